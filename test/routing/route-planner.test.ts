import { describe, expect, it } from 'vitest';
import { RoutePlanner } from '../../src/routing/route-planner.js';
import { weightedOrder } from '../../src/routing/weighted-order.js';
import { ModelCatalog } from '../../src/catalog/model-catalog.js';
import { demoCatalogModel } from '../../src/catalog/demo-model.js';
import { testChannel, testModel, testOffer } from './routing-fixtures.js';
import { GatewayError } from '../../src/core/index.js';

const channel = testChannel;
const offer = testOffer;
const model = testModel;

const catalog = new ModelCatalog({
  providers: [],
  models: [
    demoCatalogModel,
    model('gpt-4o', 'openai', [offer('openai', 'gpt-4o'), offer('openrouter', 'openai/gpt-4o')]),
    model('gpt-4o-mini', 'openai', [offer('openai', 'gpt-4o-mini')]),
    model('deepseek-chat', 'deepseek', [offer('deepseek', 'deepseek-chat')]),
    model('deepseek-reasoner', 'deepseek', [offer('deepseek', 'deepseek-reasoner')]),
    model('gpt-4-0314', 'openai', [], {
      lifecycle: { announced: '2025-09-26', retiresAt: '2026-03-26', retiresAtPrecision: 'day', replacement: 'gpt-5', replacementNote: null, notes: null, platforms: [], source: null },
    }),
  ],
});
const providers = new Set(['openai', 'openrouter', 'deepseek', 'openai-compatible', 'demo']);

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

  it('sends each provider its own id for the model', () => {
    const planner = new RoutePlanner([channel({ name: 'router', provider: 'openrouter', models: ['*'] })], catalog, providers);
    const [route] = planner.plan(planner.resolve('gpt-4o'));
    expect(route?.target.upstreamModel).toBe('openai/gpt-4o');
    expect(planner.resolve('openrouter/gpt-4o')).toMatchObject({ modelId: 'gpt-4o', pinnedProvider: 'openrouter' });
  });

  it('answers a retired model no channel serves with 410 and its replacement, and serves it where a channel still does', () => {
    const none = new RoutePlanner([], catalog, providers, Math.random, () => new Date('2026-06-01'));
    const error = errorOf(() => none.plan(none.resolve('gpt-4-0314')));
    expect(error.code).toBe('model_retired');
    expect(error.details.replacement).toBe('gpt-5');
    expect(error.message).toContain('2026-03-26');
    const legacy = new RoutePlanner([channel({ name: 'legacy', provider: 'openai-compatible', models: ['gpt-4-0314'] })], catalog, providers, Math.random, () => new Date('2026-06-01'));
    expect(legacy.plan(legacy.resolve('gpt-4-0314'))[0]?.channel.name).toBe('legacy');
  });

  it('suggests close names for an unknown model', () => {
    const planner = new RoutePlanner([], catalog, providers);
    const error = errorOf(() => planner.plan(planner.resolve('gpt-4o-mimi')));
    expect(error.code).toBe('model_not_found');
    expect(error.message).toContain("'gpt-4o-mini'");
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
