import type { ChannelHealth, HealthLogger } from './channel-health.js';
import type { ChannelTestResult } from './run-channel-test.js';

export interface ChannelProberOptions {
  health: ChannelHealth;
  /** Tests one channel with a minimal real request; null when the channel no longer exists. */
  test(channelId: string): Promise<ChannelTestResult | null>;
  intervalMs: number;
  logger?: HealthLogger;
}

/**
 * Re-enables channels that were disabled for a rejected credential once they answer again (the
 * key was renewed, the account topped up). Channels an operator disabled are left alone. One
 * round at a time, channels one after another: a probe is a real request and costs a little.
 */
export class ChannelProber {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<string[]> | null = null;

  constructor(private readonly options: ChannelProberOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.probeOnce().catch(() => undefined), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One round; resolves with the ids of the channels re-enabled. */
  probeOnce(): Promise<string[]> {
    this.running ??= this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async round(): Promise<string[]> {
    const { health, logger } = this.options;
    const recovered: string[] = [];
    for (const channelId of health.disabledChannels('credential')) {
      const result = await this.options.test(channelId);
      if (!result) continue;
      // A refusal of the request itself (400) still proves the credential was accepted.
      const recoveredNow = result.ok || result.error?.kind === 'client';
      // The operator may have disabled it by hand while the probe ran.
      if (!recoveredNow || health.disablement(channelId)?.by !== 'credential') continue;
      health.enable(channelId);
      recovered.push(channelId);
      logger?.info({ channel: channelId, latencyMs: result.latencyMs }, 'channel re-enabled: it answers again');
    }
    return recovered;
  }
}
