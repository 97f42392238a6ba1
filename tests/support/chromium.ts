import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Debian's chromium, headless, with everything that would reach the network or the user's profile turned off. */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * A real headless Chromium with a fresh profile, or null (with a loud warning) when it cannot start: a silent skip
 * would hide that the page was never driven. Install it with `apt-get install -y chromium` (scripts/setup.sh does).
 */
export interface Chromium {
  context: BrowserContext;
  /** Closes the browser, then removes its profile (after the process is gone, so nothing is still writing it). */
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium | null> {
  if (!existsSync(CHROMIUM_PATH)) {
    console.warn(
      `\n!!! NO CHROMIUM at ${CHROMIUM_PATH}: browser tests are SKIPPED. Install it: apt-get install -y chromium\n`,
    );
    return null;
  }
  const profile = mkdtempSync(join(tmpdir(), "sci-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: ARGS,
      viewport: { width: 1400, height: 1000 },
      timeout: 60_000,
    });
    return {
      context,
      close: async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    console.warn(
      `\n!!! CHROMIUM DID NOT START: browser tests are SKIPPED (${(error as Error).message.split("\n")[0]})\n`,
    );
    return null;
  }
}
