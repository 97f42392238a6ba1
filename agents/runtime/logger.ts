import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

/** Secrets never reach a log line, whatever object carries them. */
export const redactPaths = [
  "apiKey",
  "*.apiKey",
  "*.*.apiKey",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "headers['x-api-key']",
  "*.headers['x-api-key']",
  "env",
  "*.env",
];

/**
 * JSON logs (with run, agent, correlation) for files and pipes; on a terminal, when no destination is given,
 * the same records pretty-printed on stderr. Redaction applies either way.
 */
export function createLogger(
  options: { level?: string; destination?: NodeJS.WritableStream; name?: string; tty?: boolean } = {},
): Logger {
  const settings = {
    name: options.name ?? "scientist",
    level: options.level ?? "info",
    redact: { paths: redactPaths, censor: "[redacted]" },
  };
  if (options.destination) return pino(settings, options.destination as pino.DestinationStream);
  if (options.tty ?? process.stderr.isTTY)
    return pino(settings, pretty({ destination: 2, colorize: true, ignore: "pid,hostname" }));
  return pino(settings, pino.destination(2));
}

export const silentLogger: Logger = pino({ level: "silent" });
