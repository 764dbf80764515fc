import { describe, expect, it } from 'vitest';
import { RoutePlanner } from '../../src/routing/route-planner.js';
import { weightedOrder } from '../../src/routing/weighted-order.js';
import { Catalog } from '../../src/catalog/catalog.js';
import { seedModels } from '../../src/catalog/seed-models.js';
import type { Channel } from '../../src/routing/channel.js';
import { GatewayError } from '../../src/core/index.js';

function channel(overrides: Partial<Channel> & Pick<Channel, 'name' | 'provider' | 'models'>): Channel {
  return {
    id: overrides.name,
    baseUrl: 'http://upstream.invalid/v1',
    apiKey: 'sk-test',
    modelMap: {},
    priority: 0,
    weight: 1,
    timeoutMs: 1000,
    headers: {},
    enabled: true,
    source: 'file',
    ...overrides,
  };
}

const catalog = new Catalog(seedModels);
const providers = new Set(['openai', 'deepseek', 'openai-compatible', 'demo']);

function errorOf(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    return error as GatewayError;
  }
  throw new Error('expected an error');
}

describe('RoutePlanner', () => {
  it('orders channels by priority tier, and maps the model per channel', () => {
    const planner = new RoutePlanner(
      [
        channel({ name: 'fallback', provider: 'openai-compatible', models: ['gpt-4o'], priority: 1 }),
        channel({ name: 'main', provider: 'openai', models: ['*'], modelMap: { 'gpt-4o': 'gpt-4o-2024-08-06' } }),
      ],
      catalog,
      providers,
    );
    const routes = planner.plan(planner.resolve('gpt-4o'));
    expect(routes.map((route) => route.channel.name)).toEqual(['main', 'fallback']);
    expect(routes.map((route) => route.target.upstreamModel)).toEqual(['gpt-4o-2024-08-06', 'gpt-4o']);
  });

  it('reads provider/model as a pin when the prefix is a provider, and an exact catalog id first', () => {
    const planner = new RoutePlanner(
      [
        channel({ name: 'main', provider: 'openai', models: ['*'] }),
        channel({ name: 'other', provider: 'openai-compatible', models: ['gpt-4o-mini'] }),
      ],
      catalog,
      providers,
    );
    expect(planner.resolve('openai/gpt-4o-mini')).toMatchObject({ modelId: 'gpt-4o-mini', pinnedProvider: 'openai' });
    expect(planner.plan(planner.resolve('openai/gpt-4o-mini')).map((route) => route.channel.name)).toEqual(['main']);
    expect(planner.resolve('demo/echo')).toMatchObject({ modelId: 'demo/echo', pinnedProvider: null });
    expect(planner.resolve('meta/llama')).toMatchObject({ modelId: 'meta/llama', pinnedProvider: null });
  });

  it('serves "*" only with the catalog models of the channel provider, and skips disabled channels', () => {
    const planner = new RoutePlanner(
      [channel({ name: 'ds', provider: 'deepseek', models: ['*'] }), channel({ name: 'off', provider: 'openai', models: ['*'], enabled: false })],
      catalog,
      providers,
    );
    const ids = planner.routableModels().map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(['deepseek-chat', 'deepseek-reasoner']));
    expect(ids).not.toContain('gpt-4o');
    expect(errorOf(() => planner.plan(planner.resolve('gpt-4o'))).code).toBe('no_available_channel');
    expect(errorOf(() => planner.plan(planner.resolve('unknown-model'))).code).toBe('model_not_found');
  });

  it('spreads traffic within a tier by weight', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const planner = new RoutePlanner(
      [
        channel({ name: 'heavy', provider: 'openai', models: ['gpt-4o'], weight: 3 }),
        channel({ name: 'light', provider: 'openai', models: ['gpt-4o'], weight: 1 }),
      ],
      catalog,
      providers,
      random,
    );
    let heavyFirst = 0;
    for (let index = 0; index < 4000; index++) {
      if (planner.plan(planner.resolve('gpt-4o'))[0]!.channel.name === 'heavy') heavyFirst++;
    }
    expect(heavyFirst / 4000).toBeGreaterThan(0.7);
    expect(heavyFirst / 4000).toBeLessThan(0.8);
  });
});

describe('weightedOrder', () => {
  it('keeps every item once and puts zero weights last', () => {
    const ordered = weightedOrder(['a', 'b', 'c', 'zero'], (item) => (item === 'zero' ? 0 : 1), () => 0.99);
    expect(ordered.slice().sort()).toEqual(['a', 'b', 'c', 'zero']);
    expect(ordered.at(-1)).toBe('zero');
  });
});
