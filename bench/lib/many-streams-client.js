// Opens many long chat streams at once through the gateway, one connection each, ramped over a
// few seconds, and checks every one of them: status 200, every content chunk, the usage chunk,
// `[DONE]`, and no silence between two data events (or before the first) longer than the stall limit.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/**
 * @typedef {object} StreamOutcome
 * @property {boolean} ok complete and correct (it may still have stalled on the way)
 * @property {boolean} stalled a silence longer than the stall limit was seen
 * @property {number} status HTTP status, 0 when none arrived
 * @property {number} contentEvents
 * @property {boolean} sawUsage
 * @property {boolean} sawDone
 * @property {number} firstEventMs send to first data event (NaN when none)
 * @property {number} maxGapMs longest silence, counting from the send
 * @property {number} durationMs send to end
 * @property {string | undefined} failure
 */

/**
 * @param {{ origin: string, apiKey: string, count: number, rampMs: number, body: string,
 *   expectedContentEvents: number, stallAfterMs: number, deadlineMs: number }} options
 */
export function openManyStreams(options) {
  const pool = new Pool(options.origin, {
    connections: options.count,
    pipelining: 1,
    headersTimeout: options.deadlineMs,
    bodyTimeout: options.deadlineMs,
    keepAliveTimeout: 10_000,
  });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${options.apiKey}` };
  const counters = { started: 0, open: 0, finished: 0, failed: 0, stalledSoFar: 0 };
  /** @type {Promise<StreamOutcome>[]} */
  const pending = [];
  const startedAt = performance.now();

  const runOne = async () => {
    const sent = performance.now();
    counters.started += 1;
    /** @type {StreamOutcome} */
    const outcome = {
      ok: false,
      stalled: false,
      status: 0,
      contentEvents: 0,
      sawUsage: false,
      sawDone: false,
      firstEventMs: Number.NaN,
      maxGapMs: 0,
      durationMs: Number.NaN,
      failure: undefined,
    };
    let lastEventAt = sent;
    let isOpen = false;
    const onEvent = (payload, now) => {
      const gap = now - lastEventAt;
      lastEventAt = now;
      if (gap > outcome.maxGapMs) outcome.maxGapMs = gap;
      if (!isOpen) {
        isOpen = true;
        counters.open += 1;
        outcome.firstEventMs = now - sent;
      }
      if (payload === '[DONE]') {
        outcome.sawDone = true;
        return;
      }
      let event;
      try {
        event = JSON.parse(payload);
      } catch {
        outcome.failure ??= `a data event is not JSON: ${payload.slice(0, 120)}`;
        return;
      }
      const content = event?.choices?.[0]?.delta?.content;
      if (typeof content === 'string' && content.length > 0) outcome.contentEvents += 1;
      if (event?.usage && typeof event.usage === 'object') outcome.sawUsage = true;
      if (event?.error) outcome.failure ??= `error event: ${JSON.stringify(event.error).slice(0, 200)}`;
    };
    try {
      const response = await pool.request({
        method: 'POST',
        path: '/v1/chat/completions',
        headers,
        body: options.body,
        signal: AbortSignal.timeout(options.deadlineMs),
      });
      outcome.status = response.statusCode;
      if (response.statusCode !== 200) {
        const text = await response.body.text();
        outcome.failure = `HTTP ${response.statusCode}: ${text.slice(0, 200)}`;
      } else {
        let buffered = '';
        for await (const chunk of response.body) {
          const now = performance.now();
          buffered += chunk.toString('utf8');
          buffered = buffered.replace(/\r\n/g, '\n');
          const end = buffered.lastIndexOf('\n\n');
          if (end < 0) continue;
          const complete = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          for (const line of complete.split('\n')) {
            if (line.startsWith('data:')) onEvent(line.slice(5).trim(), now);
          }
        }
      }
    } catch (error) {
      outcome.failure ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    const ended = performance.now();
    outcome.durationMs = ended - sent;
    if (isOpen) counters.open -= 1;
    if (!outcome.failure) {
      if (!outcome.sawDone) outcome.failure = 'no data: [DONE]';
      else if (outcome.contentEvents !== options.expectedContentEvents) {
        outcome.failure = `${outcome.contentEvents} content chunks, expected ${options.expectedContentEvents}`;
      } else if (!outcome.sawUsage) outcome.failure = 'no usage chunk';
    }
    outcome.ok = outcome.failure === undefined;
    // A stream that never got its first event counts its whole life as one silence.
    if (!isOpen) outcome.maxGapMs = Math.max(outcome.maxGapMs, ended - sent);
    outcome.stalled = outcome.maxGapMs > options.stallAfterMs;
    if (outcome.stalled) counters.stalledSoFar += 1;
    counters.finished += 1;
    if (!outcome.ok) counters.failed += 1;
    return outcome;
  };

  const allStarted = new Promise((resolve) => {
    let launched = 0;
    const launchDue = () => {
      const elapsed = performance.now() - startedAt;
      const due = options.rampMs <= 0 ? options.count : Math.min(options.count, Math.floor((elapsed / options.rampMs) * options.count) + 1);
      while (launched < due) {
        pending.push(runOne());
        launched += 1;
      }
      if (launched < options.count) setTimeout(launchDue, 10);
      else resolve(performance.now());
    };
    launchDue();
  });

  return {
    counters,
    startedAt,
    /** Resolves with the time (performance.now()) the last stream was sent. */
    allStarted,
    /** Resolves with every stream's outcome once all have ended; the connections stay open until `close`. */
    async finished() {
      await allStarted;
      return Promise.all(pending);
    },
    /** Closes the client's keep-alive connections, which the gateway then closes on its side too. */
    close() {
      return pool.close().catch(() => pool.destroy());
    },
  };
}
