import { DEFAULT_CHANNEL_TIMEOUT_MS, type ChannelConfig } from './config-schema.js';

/** What a provider record says about its environment variables. */
export interface EnvironmentProvider {
  id: string;
  apiKeyEnv?: string;
  baseUrlEnv?: string;
  defaultBaseUrl?: string;
}

/**
 * One channel `<id>-env` serving all of the provider's models for each provider whose API key
 * variable is set and non-empty. A file channel of the same provider does not suppress it: both
 * exist, and priorities in the file decide which is tried first.
 */
export function channelsFromEnvironment(
  env: NodeJS.ProcessEnv,
  providers: readonly EnvironmentProvider[],
): ChannelConfig[] {
  const channels: ChannelConfig[] = [];
  for (const provider of providers) {
    if (!provider.apiKeyEnv) continue;
    const apiKey = env[provider.apiKeyEnv]?.trim();
    if (!apiKey) continue;
    const baseUrlOverride = provider.baseUrlEnv ? env[provider.baseUrlEnv]?.trim() : undefined;
    const baseUrl = baseUrlOverride || provider.defaultBaseUrl || null;
    channels.push({
      name: `${provider.id}-env`,
      provider: provider.id,
      baseUrl: baseUrl === null ? null : baseUrl.replace(/\/+$/, ''),
      apiKey,
      models: ['*'],
      modelMap: {},
      priority: 0,
      weight: 1,
      timeoutMs: DEFAULT_CHANNEL_TIMEOUT_MS,
      headers: {},
      enabled: true,
      markup: null,
      source: 'env',
    });
  }
  return channels;
}
