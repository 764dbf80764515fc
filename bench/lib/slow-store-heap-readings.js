// The gateway's retained heap while the store is stalled, read once the settlement queue is at its
// cap (the first settlement kept only in the journal): from then on a bounded gateway retains no
// more, whatever the load. Each reading forces a full collection through the inspector
// (inspector-heap-probe.js), so it pauses the gateway for tens of milliseconds: a reading as soon
// as the cap is seen, then one every `intervalMs`, and a last one when the stall ends.

/**
 * @param {{ probe: { retainedHeapBytes: () => Promise<number> }, elapsed: () => number,
 *   latestScrape: () => ({ settlementsJournalOnly?: number | null } | undefined), intervalMs: number, pollMs?: number }} options
 */
export function startCappedHeapReadings(options) {
  /** @type {Array<{ atMs: number, retainedMiB: number }>} */
  const readings = [];
  /** @type {string[]} */
  const errors = [];
  let cappedAtMs;
  let reading = Promise.resolve();
  let stopped = false;

  const read = () => {
    reading = reading.then(async () => {
      try {
        const bytes = await options.probe.retainedHeapBytes();
        readings.push({ atMs: Math.round(options.elapsed()), retainedMiB: Number((bytes / 2 ** 20).toFixed(1)) });
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
      }
    });
    return reading;
  };
  const poll = () => {
    if (stopped) return;
    const now = options.elapsed();
    if (cappedAtMs === undefined && (options.latestScrape()?.settlementsJournalOnly ?? 0) > 0) {
      cappedAtMs = now;
      void read();
    } else if (cappedAtMs !== undefined && now - (readings.at(-1)?.atMs ?? cappedAtMs) >= options.intervalMs) {
      void read();
    }
  };
  const timer = setInterval(poll, options.pollMs ?? 250);

  return {
    /** Milliseconds since the cap was first seen; 0 before. */
    cappedForMs: () => (cappedAtMs === undefined ? 0 : options.elapsed() - cappedAtMs),
    /** Takes the last reading (when the cap was reached) and returns them all. */
    async stop() {
      stopped = true;
      clearInterval(timer);
      await reading;
      if (cappedAtMs !== undefined) await read();
      return { cappedAtMs: cappedAtMs === undefined ? null : Math.round(cappedAtMs), readings, errors };
    },
  };
}
