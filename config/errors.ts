export type ConfigErrorCode = "CONFIG_INVALID" | "CONFIG_UNREADABLE" | "CONFIG_UNKNOWN_ROLE" | "CONFIG_BAD_ROLE_CONFIG";

/** A boot-time configuration error; `key` names the offending config key. */
export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  readonly key: string | null;
  readonly retryable = false;
  constructor(code: ConfigErrorCode, message: string, options: { key?: string | null; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "ConfigError";
    this.code = code;
    this.key = options.key ?? null;
  }
}
