/**
 * The logger shape the sandbox needs. A pino Logger fits it; a silent default keeps tests and library use quiet
 * unless the caller injects one.
 */

export interface SandboxLogger {
  debug(object: object, message?: string): void;
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export const silentLogger: SandboxLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
