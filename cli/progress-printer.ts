import type { StoredEnvelope } from "../bus/index.ts";
import { progressLine } from "./progress.ts";
import { RunTally } from "./progress-status.ts";

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const CLEAR_LINE = "\r\x1b[2K";
/** The elapsed time on the status line keeps moving while a long experiment sends nothing. */
const TICK_MS = 1_000;

/**
 * `scientist run`'s terminal output. Always one line per milestone; on a TTY also a status line kept at the
 * bottom (rewritten in place), which a pipe or a CI log never sees, so those stay line-based and quiet.
 */
export function createProgressPrinter(
  out: ProgressOutput,
  startedAt: number,
  now: () => number = Date.now,
): { onMessage(message: StoredEnvelope): void; finish(): void } {
  const tally = new RunTally();
  const live = out.isTTY === true;
  const status = () => {
    const line = tally.statusLine(now() - startedAt);
    const width = out.columns ?? 120;
    out.write(`${CLEAR_LINE}${line.length >= width ? `${line.slice(0, width - 2)}…` : line}`);
  };
  const ticker = live ? setInterval(status, TICK_MS) : null;
  ticker?.unref();
  return {
    onMessage(message) {
      tally.fold(message);
      const line = progressLine(message, startedAt);
      if (!live) {
        if (line) out.write(`${line}\n`);
        return;
      }
      if (line) out.write(`${CLEAR_LINE}${line}\n`);
      status();
    },
    finish() {
      if (ticker) clearInterval(ticker);
      if (live) out.write(CLEAR_LINE);
    },
  };
}
