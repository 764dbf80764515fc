import type { ChannelConfig } from '../config/index.js';
import type { ProviderDefinition } from '../core/index.js';
import type { Channel } from '../routing/channel.js';

/** The built-in offline channel of contract §4: `demo/echo` works on a fresh install. */
export const demoChannel: Channel = {
  id: 'demo',
  name: 'demo',
  provider: 'demo',
  baseUrl: 'demo:',
  apiKey: '',
  models: ['demo/echo'],
  modelMap: {},
  priority: 0,
  weight: 1,
  timeoutMs: 600_000,
  headers: {},
  enabled: true,
  source: 'builtin',
};

/** Turns configured channels into routable ones, filling each provider's default base URL. */
export function buildChannels(configured: readonly ChannelConfig[], providers: ReadonlyMap<string, ProviderDefinition>): Channel[] {
  const channels: Channel[] = [demoChannel];
  for (const channel of configured) {
    const definition = providers.get(channel.provider);
    const baseUrl = channel.baseUrl ?? definition?.defaultBaseUrl;
    if (!baseUrl && channel.provider !== 'demo') {
      throw new Error(`channel '${channel.name}' needs a base_url: provider '${channel.provider}' has no default`);
    }
    channels.push({
      id: channel.name,
      name: channel.name,
      provider: channel.provider,
      baseUrl: (baseUrl ?? 'demo:').replace(/\/+$/, ''),
      apiKey: channel.apiKey,
      models: [...channel.models],
      modelMap: { ...channel.modelMap },
      priority: channel.priority,
      weight: channel.weight,
      timeoutMs: channel.timeoutMs,
      headers: { ...channel.headers },
      enabled: channel.enabled,
      ...(channel.timeouts ? { timeouts: { ...channel.timeouts } } : {}),
      source: channel.source,
    });
  }
  return channels;
}
