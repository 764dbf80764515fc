/**
 * Reservations shared through Redis by two gateway processes (two writers, two reservation sets,
 * one Redis, one store): together they never hold or charge more than the credit, a dead
 * process's holds stop counting, and a refresh never loses a concurrent batch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/accounts/api-key-authenticator.js';
import { HoldLedger, type HoldTicket } from '../../src/credit/hold-ledger.js';
import { RedisCreditReservations } from '../../src/credit/redis-credit-reservations.js';
import { isGatewayError } from '../../src/core/index.js';
import { SettlementJournal } from '../../src/metering/settlement-journal.js';
import { SettlementWriter } from '../../src/metering/settlement-writer.js';
import { KyselyStore } from '../../src/store/kysely-store.js';
import { openSqliteDatabase } from '../../src/store/open-store.js';
import { redisForTest, type RedisForTest } from '../support/redis.js';
import { ledgerEntry, newAccount, newApiKey, settlement } from '../store/store-fixtures.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'switchyard-redis-credit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const probe = await redisForTest();
afterAll(async () => {
  await probe?.cleanup();
});

const MICRO = 1_000_000n;

interface Instance {
  id: string;
  writer: SettlementWriter;
  reservations: RedisCreditReservations;
  ledger: HoldLedger;
  redis: Redis;
}

describe.skipIf(probe === null)('Redis reservations shared by two gateway processes', () => {
  let redis: RedisForTest;
  let store: KyselyStore;
  let prefix: string;
  const instances: Instance[] = [];

  beforeEach(async () => {
    redis = probe!;
    prefix = `${redis.keyPrefix}${randomUUID()}:`;
    store = new KyselyStore(openSqliteDatabase(path.join(scratch, `${randomUUID()}.db`)), 'sqlite');
    await store.migrate();
  });
  afterEach(async () => {
    for (const instance of instances.splice(0)) {
      await instance.writer.close();
      await instance.reservations.close();
    }
    await store.close();
  });

  async function startInstance(deadAfterMs = 15_000): Promise<Instance> {
    const id = `inst-${randomUUID()}`;
    const writer = new SettlementWriter({ store, journal: new SettlementJournal({ directory: path.join(scratch, id) }), flushIntervalMs: 60_000 });
    await writer.start();
    const connection = await redis.connect();
    const reservations = new RedisCreditReservations({ redis: connection, prefix, instanceId: id, store: store.ledger, deadAfterMs });
    await reservations.register();
    writer.addStoredListener((records) => reservations.stored(records));
    const instance = { id, writer, reservations, ledger: new HoldLedger({ journal: writer, reservations, instanceId: id, journalHoldsAfterMs: 0 }), redis: connection };
    instances.push(instance);
    return instance;
  }

  async function callerWith(credit: bigint, budget: bigint | null = null): Promise<Caller> {
    const account = await store.createAccount(newAccount());
    await store.appendLedgerEntry(ledgerEntry(account.id, credit));
    const key = await store.createApiKey(newApiKey(account.id, { budget }));
    return { account: (await store.findAccountById(account.id))!, key };
  }

  function request(caller: Caller, amount: bigint) {
    return { caller, generationId: `gen-${randomUUID()}`, endpoint: '/v1/chat/completions', model: 'm', stream: true, amount };
  }

  function settle(instance: Instance, caller: Caller, ticket: HoldTicket, charge: bigint): void {
    instance.ledger.settle(settlement(caller.account.id, charge, { id: ticket.generationId, keyId: caller.key.id }), ticket);
  }

  async function holdMany(instance: Instance, caller: Caller, count: number, amount: bigint): Promise<HoldTicket[]> {
    const outcomes = await Promise.allSettled(Array.from({ length: count }, () => instance.ledger.hold(request(caller, amount))));
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected' && !(isGatewayError(outcome.reason) && outcome.reason.code === 'insufficient_credit')) throw outcome.reason;
    }
    return outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' && outcome.value ? [outcome.value] : []));
  }

  /** Holds from both processes, interleaved, all in flight at once. */
  async function holdFromBoth(a: Instance, b: Instance, caller: Caller, count: number, amount: bigint): Promise<[HoldTicket[], HoldTicket[]]> {
    const tagged = await Promise.all(
      Array.from({ length: count }, async (_, index) => {
        const instance = index % 2 === 0 ? a : b;
        const ticket = await holdMany(instance, caller, 1, amount);
        return { instance, ticket: ticket[0] };
      }),
    );
    const of = (instance: Instance) => tagged.flatMap((item) => (item.instance === instance && item.ticket ? [item.ticket] : []));
    return [of(a), of(b)];
  }

  it('lets two processes together hold no more than the credit', async () => {
    const [a, b] = [await startInstance(), await startInstance()];
    const caller = await callerWith(25n * 40n * MICRO);
    // Both processes have the account in Redis before the rush, so neither starts behind.
    for (const instance of [a, b]) settle(instance, caller, (await holdMany(instance, caller, 1, MICRO))[0]!, 0n);
    const [fromA, fromB] = await holdFromBoth(a, b, caller, 120, 40n * MICRO);
    expect(fromA.length + fromB.length).toBe(25);
    expect(fromA.length).toBeGreaterThan(0);
    expect(fromB.length).toBeGreaterThan(0);

    // Settling frees what was not charged; flushing moves it into the stored balance. Still exact.
    for (const ticket of fromA) settle(a, caller, ticket, 10n * MICRO);
    await a.writer.flush();
    for (const ticket of fromB) settle(b, caller, ticket, 15n * MICRO);
    await b.writer.flush();
    const spent = BigInt(fromA.length) * 10n * MICRO + BigInt(fromB.length) * 15n * MICRO;
    const left = 25n * 40n * MICRO - spent;
    expect((await store.findAccountById(caller.account.id))!.balance).toBe(left);
    const more = await holdFromBoth(a, b, caller, Number(left / MICRO) + 20, MICRO);
    expect(more[0].length + more[1].length).toBe(Number(left / MICRO));
    await Promise.all([a.writer.flush(), b.writer.flush()]);
    expect(await store.ledger.verify()).toEqual({ discrepancies: [], openHolds: Number(left / MICRO) });
    expect(await store.ledger.listOpenHolds({ instanceIds: [a.id] })).toHaveLength(more[0].length);
    expect((await store.findAccountById(caller.account.id))!.balance).toBe(0n);
  });

  it("enforces a key's budget across processes", async () => {
    const [a, b] = [await startInstance(), await startInstance()];
    const caller = await callerWith(1000n * MICRO, 30n * MICRO);
    const [fromA, fromB] = await Promise.all([holdMany(a, caller, 20, 2n * MICRO), holdMany(b, caller, 20, 2n * MICRO)]);
    expect(fromA.length + fromB.length).toBe(15);
    for (const ticket of fromA) settle(a, caller, ticket, 2n * MICRO);
    for (const ticket of fromB) settle(b, caller, ticket, MICRO);
    await Promise.all([a.writer.flush(), b.writer.flush()]);
    const spent = BigInt(fromA.length) * 2n * MICRO + BigInt(fromB.length) * MICRO;
    expect((await store.ledger.readKeySpending([caller.key.id])).get(caller.key.id)!.spent).toBe(spent);
    const left = Number((30n * MICRO - spent) / MICRO);
    const again = await Promise.all([holdMany(a, caller, 20, MICRO), holdMany(b, caller, 20, MICRO)]);
    expect(again[0].length + again[1].length).toBe(left);
  });

  it('stops counting the holds of a process whose heartbeat stopped', async () => {
    const a = await startInstance(400);
    const b = await startInstance(400);
    const caller = await callerWith(10n * MICRO);
    expect(await holdMany(a, caller, 10, MICRO)).toHaveLength(10);
    expect(await holdMany(b, caller, 1, MICRO)).toHaveLength(0);
    // `a` dies: its heartbeat stops (no timer was started), while `b` keeps beating.
    b.reservations.start();
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(await b.reservations.isAlive(a.id)).toBe(false);
    expect(await holdMany(b, caller, 12, MICRO)).toHaveLength(10);
  });

  it('forgets an earlier run of a data directory at once', async () => {
    const a = await startInstance();
    const b = await startInstance();
    const caller = await callerWith(5n * MICRO);
    expect(await holdMany(a, caller, 5, MICRO)).toHaveLength(5);
    await b.reservations.forgetInstance(a.id);
    expect(await holdMany(b, caller, 6, MICRO)).toHaveLength(5);
  });

  it('sees a top-up made elsewhere once the stored balance is re-read', async () => {
    const a = await startInstance();
    const caller = await callerWith(2n * MICRO);
    expect(await holdMany(a, caller, 3, MICRO)).toHaveLength(2);
    await store.appendLedgerEntry(ledgerEntry(caller.account.id, 3n * MICRO));
    a.reservations.accountChanged(caller.account.id);
    // The refresh runs in the background; wait until Redis has the new balance.
    const hash = `${prefix}credit:account:${caller.account.id}`;
    for (let tries = 0; tries < 100 && (await a.redis.hget(hash, 'base')) !== String(5n); tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await holdMany(a, caller, 5, MICRO)).toHaveLength(3);
  });
});
