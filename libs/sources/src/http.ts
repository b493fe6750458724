import { setTimeout as delay } from 'node:timers/promises';
import { SourceError } from '@gapless/pipeline-core';

/** What a source adapter gets back: the status and the whole body, for it to interpret. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

/** The knobs of the in-invocation retry loop; adapters pass them through from their own options. */
export interface HttpRetryOptions {
  /** Per-request timeout (connect + body), default 10 s; also cut to what is left before `deadline`. */
  readonly timeoutMs?: number;
  /** Total requests, the first included; default 3. */
  readonly maxAttempts?: number;
  /** Base of the exponential back-off, default 250 ms; each wait is uniform in [0, base * 2^retry]. */
  readonly baseDelayMs?: number;
  /** Cap of one back-off wait, default 5 s. */
  readonly maxDelayMs?: number;
  /** Longest `Retry-After` honoured when there is no deadline, default 30 s. */
  readonly maxRetryAfterMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly fetchImpl?: typeof fetch;
}

export interface FetchWithRetryOptions extends HttpRetryOptions {
  /** Source id, the prefix of every error message. */
  readonly source: string;
  /** Epoch ms after which no request or retry may start. */
  readonly deadline?: number;
  /** Statuses besides 2xx that the caller interprets itself (SGS answers an empty window with 404). */
  readonly acceptStatus?: readonly number[];
}

/** Statuses worth another try within the invocation: throttling and the gateway/server hiccups. */
const transientStatuses: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

type Outcome =
  | { kind: 'answer'; answer: HttpAnswer }
  | { kind: 'transient'; reason: string; status?: number; retryAfterMs?: number; cause?: unknown };

/**
 * GETs `url`, retrying transient failures (network errors, timeouts, 429, 500, 502, 503, 504) with
 * exponential back-off and full jitter, bounded by `maxAttempts` and by `deadline`: a retry whose wait
 * would end after the deadline is not started. `Retry-After` on a 429 is honoured when it fits.
 * Returns 2xx answers (and `acceptStatus`); throws {@link SourceError} `retryable: true` when the transient
 * failures outlast the attempts or the deadline, `retryable: false` for any other 4xx.
 */
export async function fetchWithRetry(url: string, options: FetchWithRetryOptions): Promise<HttpAnswer> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => delay(ms).then(() => undefined));
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const deadline = options.deadline ?? Infinity;
  for (let attempt = 0; ; attempt += 1) {
    const remaining = deadline - now();
    if (remaining <= 0) {
      throw new SourceError(options.source, `deadline passed before request ${attempt + 1} to ${url}`, {
        retryable: true,
      });
    }
    const outcome = await attemptOnce(url, options, Math.min(options.timeoutMs ?? 10_000, remaining));
    if (outcome.kind === 'answer') return outcome.answer;
    const wait = backOff(outcome, attempt, options);
    const tried = `${attempt + 1} attempt${attempt === 0 ? '' : 's'}`;
    if (attempt + 1 >= maxAttempts || wait === undefined || now() + wait > deadline) {
      const why =
        attempt + 1 >= maxAttempts ? tried : `${tried}, no time left for another before the deadline`;
      throw new SourceError(
        options.source,
        `${outcome.reason} (gave up after ${why})`,
        { retryable: true, ...(outcome.status === undefined ? {} : { status: outcome.status }) },
        { cause: outcome.cause },
      );
    }
    await sleep(wait);
  }
}

async function attemptOnce(url: string, options: FetchWithRetryOptions, timeoutMs: number): Promise<Outcome> {
  const fetchImpl = options.fetchImpl ?? fetch;
  let response: Response;
  let body: string;
  try {
    response = await fetchImpl(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json' },
    });
    body = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const reason = timedOut ? `timed out after ${timeoutMs} ms` : `network error (${describeCause(error)})`;
    return { kind: 'transient', reason: `GET ${url}: ${reason}`, cause: error };
  }
  const { status } = response;
  if ((status >= 200 && status < 300) || options.acceptStatus?.includes(status)) {
    return {
      kind: 'answer',
      answer: { status, body, contentType: response.headers.get('content-type') ?? '' },
    };
  }
  const reason = `GET ${url}: HTTP ${status}: ${summarizeBody(body)}`;
  if (transientStatuses.has(status)) {
    const retryAfterMs =
      status === 429 ? parseRetryAfter(response.headers.get('retry-after'), options) : undefined;
    return { kind: 'transient', reason, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  // Other 5xx are the server's fault, so the retry path may try later, but not in this loop.
  throw new SourceError(options.source, reason, { retryable: status >= 500, status });
}

/** The wait before the next try, or undefined when the server asked for more than we will wait. */
function backOff(outcome: Outcome & { kind: 'transient' }, attempt: number, options: FetchWithRetryOptions) {
  if (outcome.retryAfterMs !== undefined) {
    const limit = options.deadline === undefined ? (options.maxRetryAfterMs ?? 30_000) : Infinity;
    return outcome.retryAfterMs > limit ? undefined : outcome.retryAfterMs;
  }
  const ceiling = Math.min(options.maxDelayMs ?? 5_000, (options.baseDelayMs ?? 250) * 2 ** attempt);
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

/** `Retry-After` as milliseconds: either delta-seconds or an HTTP date. */
function parseRetryAfter(header: string | null, options: FetchWithRetryOptions): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - (options.now ?? Date.now)());
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/**
 * A short, single-line account of an error body for a message: the `error`/`message`/`detail` text of a
 * JSON error (SGS and OData shapes), the title of an HTML page, or the start of anything else.
 */
export function summarizeBody(body: string): string {
  const text = body.trim();
  if (text === '') return '(empty body)';
  const fromJson = jsonErrorText(text);
  if (fromJson !== undefined) return clip(fromJson);
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
  if (title !== undefined && title.trim() !== '') return clip(title.trim());
  const stripped = text.replace(/<[^>]*>/g, ' ');
  return clip(text.startsWith('<?xml') ? `XML document: ${stripped}` : stripped);
}

function jsonErrorText(text: string): string | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const nested = (parsed['erro'] ?? parsed['error']) as unknown;
    if (typeof nested === 'string') return nested;
    if (typeof nested === 'object' && nested !== null) {
      const inner = nested as Record<string, unknown>;
      const detail = inner['detail'] ?? inner['message'];
      if (typeof detail === 'string') return detail;
    }
    return typeof parsed['message'] === 'string' ? parsed['message'] : undefined;
  } catch {
    return undefined;
  }
}

function clip(text: string): string {
  const single = text.replace(/\s+/g, ' ').trim();
  return single.length > 200 ? `${single.slice(0, 197)}...` : single;
}
