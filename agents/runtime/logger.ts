import pino, { type Logger } from "pino";

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

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream; name?: string } = {}): Logger {
  return pino(
    { name: options.name ?? "scientist", level: options.level ?? "info", redact: { paths: redactPaths, censor: "[redacted]" } },
    (options.destination as pino.DestinationStream | undefined) ?? pino.destination(2),
  );
}

export const silentLogger: Logger = pino({ level: "silent" });
