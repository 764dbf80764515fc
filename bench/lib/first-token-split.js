// Splits the first token of each stream in three, from two processes' clocks: the way there (the
// client sends the request until the mock upstream has read it), the upstream's own time (until
// the mock writes the first content event, its pause included) and the way back (until the client
// has read it). Whatever a proxy does to a stream before its first token falls in the first or
// the last.

/**
 * @typedef {object} FirstTokenSplit
 * @property {number[]} requestPathMs per matched stream, the way there
 * @property {number[]} upstreamMs per matched stream, the mock's read of the request to its first content write
 * @property {number[]} contentPathMs per matched stream, the way back
 * @property {number[]} firstTokenMs per matched stream, send to first token
 * @property {number} unmatched streams no mark could be paired with
 */

/**
 * Pairs each stream of a one-client window with the upstream request it caused: the first one the
 * mock read after the stream was sent, whose first content was written before the client read its
 * first token. Streams follow one another at one client, so both lists run in the same order.
 * @param {{ sentAt: number, firstEventAt: number }[]} times the client's, in ms on the monotonic clock
 * @param {{ arrivedAt: number, firstContentAt: number }[]} marks the mock's, on the same clock
 * @returns {FirstTokenSplit}
 */
export function splitFirstTokens(times, marks) {
  const ordered = [...marks].sort((left, right) => left.arrivedAt - right.arrivedAt);
  const split = { requestPathMs: [], upstreamMs: [], contentPathMs: [], firstTokenMs: [], unmatched: 0 };
  let next = 0;
  for (const time of times) {
    while (next < ordered.length && ordered[next].arrivedAt < time.sentAt) next += 1;
    const mark = ordered[next];
    if (mark === undefined || mark.arrivedAt > time.firstEventAt || !(mark.firstContentAt <= time.firstEventAt)) {
      split.unmatched += 1;
      continue;
    }
    next += 1;
    split.requestPathMs.push(mark.arrivedAt - time.sentAt);
    split.upstreamMs.push(mark.firstContentAt - mark.arrivedAt);
    split.contentPathMs.push(time.firstEventAt - mark.firstContentAt);
    split.firstTokenMs.push(time.firstEventAt - time.sentAt);
  }
  return split;
}
