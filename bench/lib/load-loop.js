// Closed-loop load generator on undici's Pool: `concurrency` clients, each sending its next request
// as soon as the previous one finished, one keep-alive connection per client.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { performanceToMonotonicMs } from './monotonic-clock.js';

/**
 * @typedef {object} LoadRequest
 * @property {string} path
 * @property {Record<string, string>} headers
 * @property {string} body
 * @property {boolean} [stream] read the answer as SSE and time its first token (first delta with content)
 * @property {string} [endMarker] text the end of a complete stream contains (default `[DONE]`)
 * @property {boolean} [recordGaps] streaming only: record the time between consecutive `data:` events
 * @property {boolean} [recordTimes] streaming only: record when each complete stream was sent and
 *   when its first token came, on the machine's monotonic clock (`times`)
 */

/**
 * @typedef {object} LoadResult
 * @property {number} completed requests answered 200 with a complete body
 * @property {number} failed
 * @property {string | undefined} firstFailure
 * @property {number} elapsedMs
 * @property {number[]} latenciesMs whole request, send to last byte
 * @property {number[]} firstEventMs streaming only: send to the first event carrying content (the first token)
 * @property {number[]} gapsMs with `recordGaps`: time between consecutive `data:` events as they
 *   reached the client (0 for events that arrived in the same read as the one before)
 * @property {number} dataEvents with `recordGaps`: `data:` events received in complete streams
 * @property {{ sentAt: number, firstEventAt: number }[]} times with `recordTimes`: per complete stream,
 *   in the order sent, in ms on the machine's monotonic clock
 */

/**
 * Runs `warmupMs` of unmeasured load, then `durationMs` of measured load, on one pool.
 * `onMeasureStart` / `onMeasureEnd` run right at the window edges (for CPU snapshots).
 * @param {{ origin: string, concurrency: number, durationMs: number, warmupMs?: number, request: LoadRequest,
 *   onMeasureStart?: () => Promise<void> | void, onMeasureEnd?: () => Promise<void> | void }} options
 * @returns {Promise<LoadResult>}
 */
export async function runLoad(options) {
  const pool = new Pool(options.origin, {
    connections: options.concurrency,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  try {
    if (options.warmupMs && options.warmupMs > 0) {
      await runWindow(pool, options.concurrency, options.warmupMs, options.request);
    }
    await options.onMeasureStart?.();
    const result = await runWindow(pool, options.concurrency, options.durationMs, options.request);
    await options.onMeasureEnd?.();
    return result;
  } finally {
    await pool.close().catch(() => pool.destroy());
  }
}

/**
 * @param {Pool} pool
 * @param {number} concurrency
 * @param {number} durationMs
 * @param {LoadRequest} request
 * @returns {Promise<LoadResult>}
 */
async function runWindow(pool, concurrency, durationMs, request) {
  const latenciesMs = [];
  const firstEventMs = [];
  const gapsMs = [];
  const times = [];
  let dataEvents = 0;
  let completed = 0;
  let failed = 0;
  let firstFailure;
  const started = performance.now();
  const deadline = started + durationMs;

  const client = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      try {
        const outcome = request.stream ? await sendStreaming(pool, request, sent) : await sendPlain(pool, request);
        if (outcome.ok) {
          completed += 1;
          latenciesMs.push(performance.now() - sent);
          if (outcome.firstEventAt !== undefined) firstEventMs.push(outcome.firstEventAt - sent);
          if (request.recordTimes && outcome.firstEventAt !== undefined) {
            times.push({ sentAt: performanceToMonotonicMs(sent), firstEventAt: performanceToMonotonicMs(outcome.firstEventAt) });
          }
          if (outcome.gaps) {
            for (const gap of outcome.gaps) gapsMs.push(gap);
            dataEvents += outcome.gaps.length + 1;
          }
        } else {
          failed += 1;
          firstFailure ??= outcome.reason;
        }
      } catch (error) {
        failed += 1;
        firstFailure ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        // A refused connection fails instantly; do not spin the CPU the other process needs.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { completed, failed, firstFailure, elapsedMs: performance.now() - started, latenciesMs, firstEventMs, gapsMs, dataEvents, times };
}

async function sendPlain(pool, request) {
  const response = await pool.request({ method: 'POST', path: request.path, headers: request.headers, body: request.body });
  const text = await response.body.text();
  if (response.statusCode !== 200) return { ok: false, reason: `HTTP ${response.statusCode}: ${text.slice(0, 300)}` };
  return { ok: true };
}

async function sendStreaming(pool, request, sent) {
  const response = await pool.request({ method: 'POST', path: request.path, headers: request.headers, body: request.body });
  if (response.statusCode !== 200) {
    const text = await response.body.text();
    return { ok: false, reason: `HTTP ${response.statusCode}: ${text.slice(0, 300)}` };
  }
  const endMarker = request.endMarker ?? '[DONE]';
  const gaps = request.recordGaps ? [] : undefined;
  let lastEventAt;
  let firstEventAt;
  let seen = '';
  let tail = '';
  for await (const chunk of response.body) {
    const text = chunk.toString('utf8');
    if (gaps) {
      const now = performance.now();
      // The previous read's last characters catch a `data:` split across two reads.
      const events = countOccurrences(tail.slice(-4) + text, 'data:');
      for (let index = 0; index < events; index += 1) {
        if (lastEventAt !== undefined) gaps.push(index === 0 ? now - lastEventAt : 0);
        lastEventAt = now;
      }
    }
    if (firstEventAt === undefined) {
      // The first token, not the first event: an opening chunk that carries only the role is
      // not what a user waits for. Keep the characters before this chunk, for a split match.
      seen = (seen + text).slice(-4096);
      if (FIRST_TOKEN.test(seen)) firstEventAt = performance.now();
    }
    tail = (tail + text).slice(-64);
  }
  if (firstEventAt === undefined) return { ok: false, reason: `stream had no content token (${Math.round(performance.now() - sent)} ms)` };
  if (!tail.includes(endMarker)) return { ok: false, reason: `stream ended without ${endMarker}: ...${tail}` };
  return { ok: true, firstEventAt, gaps };
}

/** A delta that carries text: OpenAI `"content":"…"` or Anthropic `"text":"…"`, not empty. */
export const FIRST_TOKEN = /"(?:content|text)":"[^"]/;

function countOccurrences(text, part) {
  let count = 0;
  for (let index = text.indexOf(part); index !== -1; index = text.indexOf(part, index + part.length)) count += 1;
  return count;
}
