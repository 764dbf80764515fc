import type { UpstreamTimeouts } from '../../core/index.js';

/**
 * Deadlines when a channel sets none. A reasoning model may think for minutes before its first
 * token, so the first byte may take long; once a stream flows, minutes of silence mean it is stuck.
 */
export const defaultUpstreamTimeouts: Readonly<UpstreamTimeouts> = {
  connectMs: 10_000,
  firstByteMs: 600_000,
  idleMs: 300_000,
  totalMs: 1_800_000,
};

/**
 * The deadlines of one exchange. A phase the channel names wins. Otherwise the channel's single
 * older `timeoutMs` (the longest wait for an answer, and the longest silence of a stream) bounds
 * the first byte and the idle time; a `timeoutMs` of zero or less waits without limit there.
 */
export function resolveUpstreamTimeouts(given: Partial<UpstreamTimeouts> | undefined, legacyTimeoutMs: number): UpstreamTimeouts {
  const legacy = legacyTimeoutMs > 0 ? legacyTimeoutMs : 0;
  return {
    connectMs: given?.connectMs ?? defaultUpstreamTimeouts.connectMs,
    firstByteMs: given?.firstByteMs ?? legacy,
    idleMs: given?.idleMs ?? (legacy === 0 ? 0 : Math.min(legacy, defaultUpstreamTimeouts.idleMs)),
    totalMs: given?.totalMs ?? defaultUpstreamTimeouts.totalMs,
  };
}
