/**
 * The one place HTTP literature sources send requests: rate limiting, a per-attempt timeout, bounded retries
 * with backoff on 429/5xx/network failures (honouring Retry-After up to a cap — the seed waits for hours on
 * rate limits), cancellation, and coded errors that never include an API key.
 */
import { abortedError, LiteratureError } from "./errors.ts";
import { systemClock, type Clock } from "./clock.ts";
import type { RateLimiter } from "./token-bucket.ts";

export type Fetch = typeof globalThis.fetch;

export interface RetryOptions {
  /** Retries after the first attempt (never unbounded); default 3. */
  maxRetries?: number;
  /** First backoff step; doubles per retry; default 1000 ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited out: the request fails at once (RATE_LIMITED, retryable),
   * so a fallback chain can move on instead of hanging. Default 60 s. */
  maxRetryAfterMs?: number;
  /** In [0, 1); drives the jitter. */
  random?: () => number;
}

/** What every HTTP source accepts besides its own options; all of it is injectable for tests. */
export interface HttpSourceOptions {
  /** Source name stamped on every Paper and named in errors. */
  name?: string;
  /** Service root, e.g. "https://api.semanticscholar.org"; tests point it at a local server. */
  baseUrl?: string;
  fetch?: Fetch;
  clock?: Clock;
  /** Replaces the source's own rate limiter, e.g. to share one bucket between sources using the same key. */
  limiter?: RateLimiter;
  retry?: RetryOptions;
  /** Per attempt; default 30 s. */
  timeoutMs?: number;
  /** Makes the per-attempt timeout signal (default AbortSignal.timeout); tests pass one they fire by hand. */
  timeoutSignal?: (ms: number) => AbortSignal;
  /** Called before each retry wait, for logs and tests. */
  onRetry?: (info: { attempt: number; delayMs: number; error: LiteratureError }) => void;
}

export interface HttpClient {
  /** GET `url` and return the body of a 2xx answer, or throw a coded LiteratureError. */
  getText(url: URL, init: { headers?: Record<string, string>; signal?: AbortSignal | undefined }): Promise<string>;
}

export interface HttpClientOptions extends HttpSourceOptions {
  name: string;
  /** Pulls a readable reason out of an error body (each service has its own error shape). */
  describeError?: (body: string) => string | null;
}

const DEFAULTS = {
  maxRetries: 3,
  baseDelayMs: 1000,
  maxDelayMs: 16_000,
  maxRetryAfterMs: 60_000,
  timeoutMs: 30_000,
} as const;
/** Query parameters that carry secrets; blanked in every message. */
const SECRET_PARAMS = ["api_key", "apikey", "key", "token"];

export function redactUrl(url: URL): string {
  const copy = new URL(url);
  for (const name of SECRET_PARAMS) if (copy.searchParams.has(name)) copy.searchParams.set(name, "REDACTED");
  return copy.toString();
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** NaN, Infinity or a negative count must not mean "retry forever". */
function boundedRetries(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) ? Math.max(0, Math.floor(value)) : DEFAULTS.maxRetries;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { name } = options;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? systemClock;
  // Field by field, so an explicit `undefined` from config can never turn the retry bound off.
  const retry = {
    maxRetries: boundedRetries(options.retry?.maxRetries),
    baseDelayMs: options.retry?.baseDelayMs ?? DEFAULTS.baseDelayMs,
    maxDelayMs: options.retry?.maxDelayMs ?? DEFAULTS.maxDelayMs,
    maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
  };
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const timeoutSignal = options.timeoutSignal ?? ((ms: number) => AbortSignal.timeout(ms));
  const random = options.retry?.random ?? Math.random;

  async function attempt(
    url: URL,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<string | LiteratureError> {
    const timeout = timeoutSignal(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const where = redactUrl(url);
    let response: Response;
    let body: string;
    try {
      response = await fetchImpl(url, { headers, signal: combined });
      body = await response.text();
    } catch (error) {
      // The caller's abort wins over a timeout that fired at the same moment: the caller asked to stop.
      if (signal?.aborted) throw abortedError(signal, name);
      if (timeout.aborted) {
        return new LiteratureError("LITERATURE_TIMEOUT", `${name}: no answer from ${where} within ${timeoutMs} ms`, {
          cause: error,
          retryable: true,
          source: name,
        });
      }
      const reason =
        (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
      return new LiteratureError("LITERATURE_NETWORK", `${name}: request to ${where} failed: ${reason}`, {
        cause: error,
        retryable: true,
        source: name,
      });
    }
    const { status } = response;
    if (status >= 200 && status < 300) return body;
    const detail = (options.describeError?.(body) ?? body.replace(/\s+/g, " ").trim()).slice(0, 300);
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), clock.now());
    const common = { source: name, status, ...(retryAfterMs !== undefined && { retryAfterMs }) };
    const message = `${name}: HTTP ${status} from ${where}${detail ? `: ${detail}` : ""}`;
    if (status === 429) return new LiteratureError("LITERATURE_RATE_LIMITED", message, { ...common, retryable: true });
    if (status >= 500 || status === 408)
      return new LiteratureError("LITERATURE_SERVER_ERROR", message, { ...common, retryable: true });
    return new LiteratureError("LITERATURE_REJECTED", message, { ...common, retryable: false });
  }

  /** The wait before retry number `attempt` + 1, or null when the server asks for more than we allow. */
  function delayFor(attemptIndex: number, error: LiteratureError): number | null {
    if (error.retryAfterMs !== null) return error.retryAfterMs <= retry.maxRetryAfterMs ? error.retryAfterMs : null;
    // Exponential backoff with "equal jitter": replicas that hit the same 429 spread out, yet each waits
    // at least half the step.
    const step = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attemptIndex);
    return step / 2 + (step / 2) * random();
  }

  return {
    async getText(url, init) {
      const { signal } = init;
      for (let attemptIndex = 0; ; attemptIndex++) {
        if (signal?.aborted) throw abortedError(signal, name);
        await (options.limiter?.take(signal) ?? Promise.resolve());
        const outcome = await attempt(url, init.headers ?? {}, signal);
        if (typeof outcome === "string") return outcome;
        // A timed-out attempt already cost a full timeout; the caller (or a fallback chain) decides what next.
        if (!outcome.retryable || outcome.code === "LITERATURE_TIMEOUT" || attemptIndex >= retry.maxRetries)
          throw outcome;
        const delayMs = delayFor(attemptIndex, outcome);
        if (delayMs === null) throw outcome;
        options.onRetry?.({ attempt: attemptIndex + 1, delayMs, error: outcome });
        try {
          await clock.sleep(delayMs, signal);
        } catch (error) {
          if (signal?.aborted) throw abortedError(signal, name);
          throw error;
        }
      }
    },
  };
}

/** Parse a JSON body, turning a syntax error into LITERATURE_BAD_RESPONSE. */
export function parseJsonBody(body: string, source: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new LiteratureError("LITERATURE_BAD_RESPONSE", `${source}: answer is not JSON: ${(error as Error).message}`, {
      cause: error,
      source,
    });
  }
}

/** S2 says `{ message }` or `{ error }`, OpenAlex `{ error, message }`: show whichever is there. */
export function describeJsonError(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const parts = [parsed.error, parsed.message].filter(
      (part): part is string => typeof part === "string" && part !== "",
    );
    return parts.length > 0 ? parts.join(": ") : null;
  } catch {
    return null; // not JSON: the caller shows the raw (trimmed) body instead
  }
}
