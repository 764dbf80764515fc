import { describe, expect, it } from 'vitest';
import { ModelCatalog } from '../../src/catalog/model-catalog.js';
import { GatewayError, type ChatRequest } from '../../src/core/index.js';
import { ChannelHealth } from '../../src/routing/channel-health.js';
import { classifyFailure } from '../../src/routing/classify-failure.js';
import { fittingRoutesFirst, RoutePlanner, type PlannerRouting } from '../../src/routing/route-planner.js';
import { routeNeedsOf, type RouteNeeds } from '../../src/routing/route-needs.js';
import type { Channel } from '../../src/routing/channel.js';
import { manualClock, seededRandom, testChannel, testModel, testOffer } from './routing-fixtures.js';

const catalog = new ModelCatalog({
  providers: [],
  models: [
    testModel('gpt-4o', 'openai', [testOffer('openai', 'gpt-4o', { contextWindow: 128_000 }), testOffer('openrouter', 'openai/gpt-4o', { contextWindow: 8_000 })], {
      capabilities: { tools: true, vision: true, jsonOutput: true, reasoning: false, temperature: true },
      contextWindow: 128_000,
    }),
    testModel('gpt-4o-mini', 'openai', [testOffer('openai', 'gpt-4o-mini', { price: { input: 0.15, output: 0.6 } })]),
    testModel('old-chat', 'openai', [testOffer('openai', 'old-chat', { contextWindow: null })], {
      capabilities: { tools: false, vision: false, jsonOutput: false, reasoning: false, temperature: true },
      contextWindow: null,
    }),
    testModel('text-embedding-3-small', 'openai', [testOffer('openai', 'text-embedding-3-small', { price: { input: 0.02 } })], { kind: 'embedding' }),
  ],
});
const providers = new Set(['openai', 'openrouter', 'openai-compatible']);
const breaker = { failures: 1, cooldownMs: 10_000, maxCooldownMs: 60_000 };
const serverError = classifyFailure(new GatewayError('upstream_error', 'HTTP 500', { upstreamStatus: 500, retryElsewhere: true }), false);

function planner(channels: Channel[], routing: PlannerRouting = {}) {
  return new RoutePlanner(channels, catalog, providers, seededRandom(), () => new Date('2025-01-01'), routing);
}

function names(planned: RoutePlanner, model: string, needs?: RouteNeeds): string[] {
  return planned.plan(planned.resolve(model), needs).map((route) => route.channel.name);
}

function errorOf(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

function needs(overrides: Partial<RouteNeeds> = {}): RouteNeeds {
  return { tools: false, vision: false, jsonSchema: false, promptTokens: () => 10, ...overrides };
}

const fourChannels = [
  testChannel({ name: 'a', provider: 'openai', models: ['gpt-4o'] }),
  testChannel({ name: 'b', provider: 'openai', models: ['gpt-4o'] }),
  testChannel({ name: 'c', provider: 'openai', models: ['gpt-4o'], priority: 1 }),
  testChannel({ name: 'd', provider: 'openai', models: ['gpt-4o'], priority: 1 }),
];

describe('RoutePlanner with channel health', () => {
  it('leaves out disabled, cooling-down and breaker-open channels', () => {
    const time = manualClock();
    const health = new ChannelHealth({ breaker, now: time.now });
    const planned = planner(fourChannels, { health });
    health.disable('a', 'maintenance', 'operator');
    health.recordFailure('b', classifyFailure(new GatewayError('upstream_error', '429', { upstreamStatus: 429, retryElsewhere: true, retryAfterSeconds: 5 }), false), 1, 'normal');
    health.recordFailure('c', serverError, 1, 'normal');
    expect(names(planned, 'gpt-4o')).toEqual(['d']);
    time.state.now += 10_000;
    // b's retry-after has passed; c's breaker is half-open and may take a probe.
    expect(names(planned, 'gpt-4o').sort()).toEqual(['b', 'c', 'd']);
    expect(names(planned, 'gpt-4o').slice(0, 1)).toEqual(['b']);
  });

  it('answers 503 with retry-after when every channel is resting, and without when they are disabled', () => {
    const time = manualClock();
    const health = new ChannelHealth({ breaker, now: time.now });
    const two = fourChannels.slice(0, 2);
    const planned = planner(two, { health });
    health.recordFailure('a', serverError, 1, 'normal');
    time.state.now += 4_000;
    health.recordFailure('b', serverError, 1, 'normal');
    const resting = errorOf(() => planned.plan(planned.resolve('gpt-4o')));
    expect(resting.code).toBe('no_available_channel');
    expect(resting.status).toBe(503);
    expect(resting.details.retryAfterSeconds).toBe(6);
    health.disable('a', 'x', 'operator');
    health.disable('b', 'y', 'operator');
    const disabled = errorOf(() => planned.plan(planned.resolve('gpt-4o')));
    expect(disabled.code).toBe('no_available_channel');
    expect(disabled.details.retryAfterSeconds).toBeUndefined();
  });

  it('orders each tier by measured latency under least-latency, measuring unmeasured channels first', () => {
    const health = new ChannelHealth({ breaker, now: manualClock().now });
    const planned = planner(fourChannels, { health, strategy: 'least-latency' });
    health.recordSuccess('a', 900, 'normal');
    health.recordSuccess('b', 100, 'normal');
    health.recordSuccess('c', 50, 'normal');
    expect(names(planned, 'gpt-4o')).toEqual(['b', 'a', 'd', 'c']);
    for (let index = 0; index < 20; index++) expect(names(planned, 'gpt-4o')[0]).toBe('b');
  });

  it('lets a model choose its own strategy', () => {
    const health = new ChannelHealth({ breaker, now: manualClock().now });
    const channels = [
      testChannel({ name: 'slow', provider: 'openai', models: ['gpt-4o', 'gpt-4o-mini'], weight: 1000 }),
      testChannel({ name: 'fast', provider: 'openai', models: ['gpt-4o', 'gpt-4o-mini'], weight: 1 }),
    ];
    health.recordSuccess('slow', 2_000, 'normal');
    health.recordSuccess('fast', 20, 'normal');
    const planned = planner(channels, { health, strategy: 'priority', modelStrategies: { 'gpt-4o-mini': 'least-latency' } });
    expect(names(planned, 'gpt-4o-mini')[0]).toBe('fast');
    // Weight 1000 : 1 under the default strategy: the slow one comes first nearly always.
    let slowFirst = 0;
    for (let index = 0; index < 200; index++) if (names(planned, 'gpt-4o')[0] === 'slow') slowFirst++;
    expect(slowFirst).toBeGreaterThan(190);
  });
});

describe('RoutePlanner capability-aware planning', () => {
  const mixed = [
    testChannel({ name: 'direct', provider: 'openai', models: ['gpt-4o'] }),
    testChannel({ name: 'router', provider: 'openrouter', models: ['gpt-4o'] }),
  ];

  it("skips a channel whose offer's context window the prompt exceeds", () => {
    const planned = planner(mixed);
    expect(names(planned, 'gpt-4o', needs({ promptTokens: () => 20_000 }))).toEqual(['direct']);
    expect(names(planned, 'gpt-4o', needs({ promptTokens: () => 5_000 })).sort()).toEqual(['direct', 'router']);
  });

  it('refuses at once with 400 when the prompt is too long for every channel', () => {
    const planned = planner(mixed);
    const error = errorOf(() => planned.plan(planned.resolve('gpt-4o'), needs({ promptTokens: () => 200_000 })));
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.message).toContain('200000 tokens');
  });

  it('keeps a model the catalog says lacks a capability, flagged, so fitting routes go first', () => {
    const planned = planner([testChannel({ name: 'main', provider: 'openai', models: ['old-chat', 'gpt-4o'] })]);
    const withTools = needs({ tools: true });
    const old = planned.plan(planned.resolve('old-chat'), withTools);
    expect(old).toHaveLength(1);
    expect(old[0]?.unfit).toContain('does not support tools');
    const fallback = planned.plan(planned.resolve('gpt-4o'), withTools);
    expect(fallback[0]?.unfit).toBeUndefined();
    expect(fittingRoutesFirst([...old, ...fallback]).map((route) => route.modelId)).toEqual(['gpt-4o', 'old-chat']);
    expect(planned.plan(planned.resolve('old-chat'), needs({ vision: true }))[0]?.unfit).toContain('images');
    expect(planned.plan(planned.resolve('old-chat'), needs({ jsonSchema: true }))[0]?.unfit).toContain('json_schema');
    expect(planned.plan(planned.resolve('gpt-4o'), needs({ vision: true, jsonSchema: true, tools: true }))[0]?.unfit).toBeUndefined();
  });

  it('counts the prompt only when a candidate has a known context window', () => {
    const planned = planner([
      testChannel({ name: 'main', provider: 'openai', models: ['old-chat'] }),
      testChannel({ name: 'custom', provider: 'openai-compatible', models: ['my-model'] }),
    ]);
    let counted = 0;
    const counting = needs({ promptTokens: () => ++counted });
    planned.plan(planned.resolve('old-chat'), counting);
    planned.plan(planned.resolve('my-model'), counting);
    expect(counted).toBe(0);
  });
});

describe('RoutePlanner channel listing and test routes', () => {
  it('lists disabled channels too, and picks the cheapest chat model to test with', () => {
    const planned = planner([
      testChannel({ name: 'all', provider: 'openai', models: ['*'] }),
      testChannel({ name: 'off', provider: 'openai', models: ['gpt-4o'], enabled: false }),
    ]);
    expect(planned.channels().map((channel) => channel.name)).toEqual(['all', 'off']);
    expect(planned.testRoute('all')?.modelId).toBe('gpt-4o-mini');
    expect(planned.testRoute('all', 'gpt-4o')?.target.upstreamModel).toBe('gpt-4o');
    expect(planned.testRoute('all', 'unknown')).toBeNull();
    expect(planned.testRoute('off')?.modelId).toBe('gpt-4o');
    expect(planned.testRoute('missing')).toBeNull();
    expect(planned.modelsOfChannel('off')).toEqual(['gpt-4o']);
  });
});

describe('routeNeedsOf', () => {
  function request(overrides: Partial<ChatRequest>): ChatRequest {
    return { model: 'gpt-4o', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], stream: false, ...overrides };
  }

  it('reads tools, images and json_schema from the request, and counts the prompt at most once', () => {
    let counted = 0;
    const plain = routeNeedsOf(request({}), () => ++counted);
    expect(plain).toMatchObject({ tools: false, vision: false, jsonSchema: false });
    expect(plain.promptTokens()).toBe(1);
    expect(plain.promptTokens()).toBe(1);
    expect(counted).toBe(1);
    const rich = routeNeedsOf(
      request({
        tools: [{ name: 'f', parameters: {} }],
        responseFormat: { type: 'json_schema', name: 'x', schema: {} },
        messages: [{ role: 'user', content: [{ type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } }] }],
      }),
      () => 1,
    );
    expect(rich).toMatchObject({ tools: true, vision: true, jsonSchema: true });
    expect(routeNeedsOf(request({ responseFormat: { type: 'json_object' } }), () => 1).jsonSchema).toBe(false);
  });
});
