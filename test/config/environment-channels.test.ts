import { describe, expect, it } from 'vitest';
import { channelsFromEnvironment } from '../../src/config/environment-channels.js';

const providers = [
  { id: 'openai', apiKeyEnv: 'OPENAI_API_KEY', baseUrlEnv: 'OPENAI_BASE_URL', defaultBaseUrl: 'https://api.openai.com/v1' },
  { id: 'anthropic', apiKeyEnv: 'ANTHROPIC_API_KEY', defaultBaseUrl: 'https://api.anthropic.com' },
  { id: 'deepseek', apiKeyEnv: 'DEEPSEEK_API_KEY' },
  { id: 'demo' },
];

describe('channelsFromEnvironment', () => {
  it('creates one channel per provider whose key variable is set', () => {
    const channels = channelsFromEnvironment({ OPENAI_API_KEY: 'sk-1', ANTHROPIC_API_KEY: 'ak-2' }, providers);
    expect(channels).toEqual([
      {
        name: 'openai-env',
        provider: 'openai',
        baseUrl: 'https://api.openai.com/v1',
        apiKey: 'sk-1',
        models: ['*'],
        modelMap: {},
        priority: 0,
        weight: 1,
        timeoutMs: 600000,
        headers: {},
        enabled: true,
        markup: null,
        source: 'env',
      },
      expect.objectContaining({ name: 'anthropic-env', provider: 'anthropic', apiKey: 'ak-2', baseUrl: 'https://api.anthropic.com' }),
    ]);
  });

  it('ignores empty or blank keys and providers without a key variable', () => {
    expect(channelsFromEnvironment({ OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '   ' }, providers)).toEqual([]);
  });

  it('takes the base URL from its variable when set, and null without any default', () => {
    const channels = channelsFromEnvironment(
      { OPENAI_API_KEY: 'sk-1', OPENAI_BASE_URL: 'http://localhost:9000/v1/', DEEPSEEK_API_KEY: 'dk' },
      providers,
    );
    expect(channels.map((channel) => [channel.name, channel.baseUrl])).toEqual([
      ['openai-env', 'http://localhost:9000/v1'],
      ['deepseek-env', null],
    ]);
  });
});
