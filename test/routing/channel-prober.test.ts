import { describe, expect, it } from 'vitest';
import { ChannelHealth } from '../../src/routing/channel-health.js';
import { ChannelProber } from '../../src/routing/channel-prober.js';
import type { ChannelTestResult } from '../../src/routing/run-channel-test.js';
import type { FailureKind } from '../../src/routing/classify-failure.js';

const breaker = { failures: 3, cooldownMs: 1_000, maxCooldownMs: 10_000 };

function result(channelId: string, ok: boolean, kind: FailureKind | null = null): ChannelTestResult {
  return {
    ok,
    channelId,
    model: 'gpt-4o-mini',
    latencyMs: 12,
    reply: ok ? 'ok' : null,
    error: ok || kind === null ? null : { code: 'upstream_error', message: 'x', upstreamStatus: 401, kind },
  };
}

describe('ChannelProber', () => {
  it('re-enables credential-disabled channels that answer again, and only those', async () => {
    const health = new ChannelHealth({ breaker });
    health.disable('renewed', 'HTTP 401', 'credential');
    health.disable('still-bad', 'HTTP 401', 'credential');
    health.disable('refused-request', 'HTTP 401', 'credential');
    health.disable('maintenance', 'by hand', 'operator');
    const tested: string[] = [];
    const answers: Record<string, ChannelTestResult> = {
      renewed: result('renewed', true),
      'still-bad': result('still-bad', false, 'credential'),
      'refused-request': result('refused-request', false, 'client'),
    };
    const prober = new ChannelProber({
      health,
      intervalMs: 60_000,
      test: async (channelId) => {
        tested.push(channelId);
        return answers[channelId] ?? null;
      },
    });
    const recovered = await prober.probeOnce();
    expect(recovered.sort()).toEqual(['refused-request', 'renewed']);
    expect(tested.sort()).toEqual(['refused-request', 'renewed', 'still-bad']);
    expect(health.isRoutable('renewed')).toBe(true);
    expect(health.isRoutable('still-bad')).toBe(false);
    expect(health.disablement('maintenance')).toMatchObject({ by: 'operator' });
  });

  it('leaves a channel an operator disabled while its probe ran', async () => {
    const health = new ChannelHealth({ breaker });
    health.disable('a', 'HTTP 401', 'credential');
    const prober = new ChannelProber({
      health,
      intervalMs: 60_000,
      test: async () => {
        health.disable('a', 'hold on', 'operator');
        return result('a', true);
      },
    });
    expect(await prober.probeOnce()).toEqual([]);
    expect(health.disablement('a')).toMatchObject({ by: 'operator', reason: 'hold on' });
  });

  it('runs one round at a time', async () => {
    const health = new ChannelHealth({ breaker });
    health.disable('a', 'HTTP 401', 'credential');
    let calls = 0;
    let release: () => void = () => undefined;
    const prober = new ChannelProber({
      health,
      intervalMs: 60_000,
      test: async () => {
        calls++;
        await new Promise<void>((resolve) => (release = resolve));
        return result('a', true);
      },
    });
    const first = prober.probeOnce();
    const second = prober.probeOnce();
    expect(second).toBe(first);
    await Promise.resolve();
    release();
    expect(await first).toEqual(['a']);
    expect(calls).toBe(1);
  });
});
