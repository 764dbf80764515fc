import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountGroupCache } from '../../src/accounts/account-group-cache.js';
import {
  applyMultiplier,
  channelPool,
  effectiveMultiplier,
  isChannelInPool,
  normalizePriceMultiplier,
  parsePriceMultiplier,
} from '../../src/accounts/account-group-pricing.js';
import { effectivePrice } from '../../src/accounts/effective-price.js';
import type { SnapshotPrice } from '../../src/catalog/catalog-snapshot.js';
import { registerAccountGroupRoutes } from '../../src/http/routes/account-group-routes.js';
import { registerEffectivePriceRoute } from '../../src/http/routes/effective-price-route.js';
import { usdToUnits } from '../../src/metering/money.js';
import { KyselyAccountGroupStore } from '../../src/store/kysely-account-group-store.js';
import { createCaller, principalsFor, routeApp, type ErrorBody, type TestCaller } from './credit-fixtures.js';
import { databaseEngines, type TestDatabase } from './credit-test-database.js';

const engines = await databaseEngines();

describe('group multiplier math', () => {
  it('reads multipliers as exact decimal ratios', () => {
    expect(normalizePriceMultiplier('0.90')).toBe('0.9');
    expect(normalizePriceMultiplier(0.9)).toBe('0.9');
    expect(normalizePriceMultiplier('001.250')).toBe('1.25');
    expect(parsePriceMultiplier('0.9')).toEqual({ numerator: 9n, denominator: 10n });
    expect(parsePriceMultiplier('1.25')).toEqual({ numerator: 5n, denominator: 4n });
    expect(parsePriceMultiplier('0.333333333333')).toEqual({ numerator: 333_333_333_333n, denominator: 1_000_000_000_000n });
    expect(effectiveMultiplier(null)).toEqual({ numerator: 1n, denominator: 1n });
    for (const bad of ['-1', '1e3', 'abc', '0.1234567890123', '']) expect(() => normalizePriceMultiplier(bad)).toThrow(RangeError);
  });

  it('scales costs exactly, rounding a fractional unit half up', () => {
    // 10 USD at 0.9 is exactly 9 USD: no float ever touches it.
    expect(applyMultiplier(usdToUnits(10), parsePriceMultiplier('0.9'))).toBe(usdToUnits(9));
    // 0.1 + 0.2 style amounts stay exact: 0.3 USD × 1.25 = 0.375 USD.
    expect(applyMultiplier(usdToUnits('0.3'), parsePriceMultiplier('1.25'))).toBe(usdToUnits('0.375'));
    // 1 unit × 0.5 = 0.5 unit -> 1; 1 unit × 0.4 = 0.4 unit -> 0; 7 units × 1/3 = 2.33 -> 2.
    expect(applyMultiplier(1n, parsePriceMultiplier('0.5'))).toBe(1n);
    expect(applyMultiplier(1n, parsePriceMultiplier('0.4'))).toBe(0n);
    expect(applyMultiplier(7n, { numerator: 1n, denominator: 3n })).toBe(2n);
  });

  it("multiplies every quoted price of a model, tiers included", () => {
    const price: SnapshotPrice = { input: 2.5, output: 10, cachedInput: 1.25, request: 0.01, tiers: [{ aboveInputTokens: 200_000, input: 5, output: 15 }] };
    expect(effectivePrice(price, parsePriceMultiplier('0.9'))).toEqual({
      input: 2.25,
      output: 9,
      cachedInput: 1.125,
      request: 0.009,
      tiers: [{ aboveInputTokens: 200_000, input: 4.5, output: 13.5 }],
    });
  });

  it('gives the channel pool of a group; an empty list means every channel', () => {
    expect(channelPool(null)).toBeNull();
    expect(channelPool({ channels: [] })).toBeNull();
    const pool = channelPool({ channels: ['openai-main', 'groq'] });
    expect(isChannelInPool(pool, 'groq')).toBe(true);
    expect(isChannelInPool(pool, 'openai-backup')).toBe(false);
    expect(isChannelInPool(null, 'anything')).toBe(true);
  });
});

describe.each(engines)('account groups on $name', (engine) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let admin: TestCaller;
  let user: TestCaller;
  let cache: AccountGroupCache;
  let changes: number;

  const prices: Record<string, SnapshotPrice> = { 'openai/gpt-4o': { input: 2.5, output: 10 } };

  beforeEach(async () => {
    database = await engine.open();
    admin = await createCaller(database.store, 'admin');
    user = await createCaller(database.store);
    const groups = new KyselyAccountGroupStore(database.db);
    cache = new AccountGroupCache(groups);
    changes = 0;
    const { principals } = principalsFor(database.store);
    app = await routeApp((instance) => {
      registerAccountGroupRoutes(instance, {
        principals,
        groups,
        accounts: database.store,
        channelNames: () => ['openai-main', 'groq', 'openai-backup'],
        onGroupsChanged: () => (changes += 1),
      });
      registerEffectivePriceRoute(instance, {
        principals,
        priceOf: (modelId) => prices[modelId] ?? null,
        groupOf: (accountId) => groups.groupOfAccount(accountId),
      });
    });
  });

  afterEach(async () => {
    await app.close();
    await database.dispose();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, caller: TestCaller = admin) =>
    app.inject({ method, url, headers: caller.headers, ...(payload ? { payload } : {}) });

  it('creates, lists, renames and deletes groups; names are unique', async () => {
    const created = await call('POST', '/api/admin/groups', { name: 'vip', price_multiplier: '0.90', channels: ['openai-main'] });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'vip', price_multiplier: '0.9', channels: ['openai-main'], members: 0 });
    const id = created.json().id as string;

    const duplicate = await call('POST', '/api/admin/groups', { name: 'vip' });
    expect(duplicate.statusCode).toBe(409);

    const unknownChannel = await call('POST', '/api/admin/groups', { name: 'x', channels: ['nope'] });
    expect((unknownChannel.json() as ErrorBody).error.param).toBe('channels');
    const badMultiplier = await call('POST', '/api/admin/groups', { name: 'y', price_multiplier: '-2' });
    expect((badMultiplier.json() as ErrorBody).error.param).toBe('price_multiplier');

    const patched = await call('PATCH', `/api/admin/groups/${id}`, { name: 'gold', price_multiplier: 0.85 });
    expect(patched.json()).toMatchObject({ id, name: 'gold', price_multiplier: '0.85', channels: ['openai-main'] });
    const byName = await call('GET', '/api/admin/groups/gold');
    expect(byName.json().id).toBe(id);

    await call('POST', '/api/admin/groups', { name: 'basic', price_multiplier: 1.1 });
    const listed = await call('GET', '/api/admin/groups');
    expect(listed.json().data.map((group: { name: string }) => group.name)).toEqual(['basic', 'gold']);

    expect((await call('DELETE', `/api/admin/groups/${id}`)).statusCode).toBe(204);
    expect((await call('DELETE', `/api/admin/groups/${id}`)).statusCode).toBe(404);
    expect((await call('GET', '/api/admin/groups', undefined, user)).statusCode).toBe(403);
    expect(changes).toBe(4);
  });

  it("assigns accounts, shows the caller's effective price, and forgets members of a deleted group", async () => {
    const before = await call('GET', '/api/prices/openai/gpt-4o', undefined, user);
    expect(before.json()).toMatchObject({ model: 'openai/gpt-4o', group: null, price_multiplier: '1', pricing: { input: 2.5, output: 10 } });

    await call('POST', '/api/admin/groups', { name: 'vip', price_multiplier: '0.9', channels: ['groq'] });
    const assigned = await call('PATCH', `/api/admin/accounts/${user.accountId}/group`, { group: 'vip' });
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json().group).toMatchObject({ name: 'vip' });

    const after = await call('GET', '/api/prices/openai/gpt-4o', undefined, user);
    expect(after.json()).toMatchObject({
      group: 'vip',
      price_multiplier: '0.9',
      pricing: { input: 2.25, output: 9, cached_input: null },
      base_pricing: { input: 2.5, output: 10 },
    });
    expect((await call('GET', '/api/prices/unknown-model', undefined, user)).statusCode).toBe(404);

    await cache.refresh();
    expect(cache.groupOf(user.accountId)).toMatchObject({ name: 'vip', channels: ['groq'] });
    expect(cache.groupOf(admin.accountId)).toBeNull();
    const listed = await call('GET', '/api/admin/groups');
    expect(listed.json().data[0].members).toBe(1);

    const noSuchGroup = await call('PATCH', `/api/admin/accounts/${user.accountId}/group`, { group: 'platinum' });
    expect((noSuchGroup.json() as ErrorBody).error.param).toBe('group');
    const noSuchAccount = await call('PATCH', '/api/admin/accounts/acct_none/group', { group: 'vip' });
    expect(noSuchAccount.statusCode).toBe(404);

    await call('DELETE', '/api/admin/groups/vip');
    await cache.refresh();
    expect(cache.groupOf(user.accountId)).toBeNull();
    const reset = await call('GET', '/api/prices/openai/gpt-4o', undefined, user);
    expect(reset.json().pricing.input).toBe(2.5);
  });

  it('takes an account out of its group with null', async () => {
    await call('POST', '/api/admin/groups', { name: 'vip', price_multiplier: '0.9' });
    await call('PATCH', `/api/admin/accounts/${user.accountId}/group`, { group: 'vip' });
    const cleared = await call('PATCH', `/api/admin/accounts/${user.accountId}/group`, { group: null });
    expect(cleared.json()).toEqual({ account_id: user.accountId, group: null });
    expect(await new KyselyAccountGroupStore(database.db).groupOfAccount(user.accountId)).toBeNull();
  });
});
