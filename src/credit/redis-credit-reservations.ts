/**
 * Reservations shared by several gateway processes through one Redis (see
 * `docs/decisions/0006-holds.md` and `redis-credit-scripts.ts`).
 *
 * The shared truth of "available" is: the stored balance (`base`, kept in Redis and moved by each
 * process as its batches are stored), less what every live process holds or has charged without
 * storing it yet (`p:<instance>`). A reservation is one script: check both the account and the
 * key budget, then add to this process's `p:` fields. Nothing on the request path reads
 * PostgreSQL, except the first request of an account whose `base` Redis does not have.
 */
import type { Redis } from 'ioredis';
import { GatewayError } from '../core/index.js';
import { isOpenedHold, type LedgerRecord, type LedgerSnapshotReads } from '../store/ledger-store.js';
import { spendingInPeriod, type CreditClaim, type CreditReservations } from './credit-reservations.js';
import { budgetRefusal, creditRefusal } from './insufficient-credit.js';
import { microUsdCeil, microUsdFloor, microUsdToUnits } from './micro-usd.js';
import { APPLY_STORED, HEARTBEAT, IS_ALIVE, RESERVE, SET_STORED, type RedisScript } from './redis-credit-scripts.js';

export interface RedisReservationsOptions {
  redis: Redis;
  /** Prefix of every key, e.g. `switchyard:`; several deployments can share one Redis. */
  prefix: string;
  instanceId: string;
  store: LedgerSnapshotReads;
  /** Stored balances older than this are re-read from the database in the background. */
  refreshIntervalMs?: number;
  heartbeatMs?: number;
  /** A process whose heartbeat is older than this is dead: its holds no longer count. */
  deadAfterMs?: number;
  /** Credit hashes unused this long expire. */
  ttlMs?: number;
  onError?: (error: unknown) => void;
}

type HashTarget = { kind: 'account'; accountId: string } | { kind: 'budget'; keyId: string; periodStart: number | null };

export class RedisCreditReservations implements CreditReservations {
  private readonly refreshIntervalMs: number;
  private readonly heartbeatMs: number;
  readonly deadAfterMs: number;
  private readonly ttlMs: number;
  private readonly instancesKey: string;
  /** What this process has added to each hash's `p:` field, so it can be written again if lost. */
  private readonly ownPending = new Map<string, bigint>();
  private readonly targets = new Map<string, HashTarget>();
  private readonly refreshing = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private registered = false;

  constructor(private readonly options: RedisReservationsOptions) {
    this.refreshIntervalMs = options.refreshIntervalMs ?? 1000;
    this.heartbeatMs = options.heartbeatMs ?? 2000;
    this.deadAfterMs = options.deadAfterMs ?? 15_000;
    this.ttlMs = options.ttlMs ?? 86_400_000;
    this.instancesKey = `${options.prefix}credit:instances`;
  }

  /** Registers this process; awaits the first heartbeat so that its reservations count at once. */
  async register(): Promise<void> {
    await this.heartbeat();
    this.options.redis.on('ready', () => this.republish());
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.heartbeat().catch((error: unknown) => this.report(error)), this.heartbeatMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.refreshing.values()]);
  }

  /** Forgets an earlier run of this data directory at once, instead of after `deadAfterMs`. */
  async forgetInstance(instanceId: string): Promise<void> {
    await this.options.redis.zrem(this.instancesKey, instanceId);
  }

  async isAlive(instanceId: string): Promise<boolean> {
    return (await this.run(IS_ALIVE, [this.instancesKey], [instanceId, String(this.deadAfterMs)])) === 1;
  }

  async reserve(claim: CreditClaim): Promise<void> {
    const accountHash = this.hashOf({ kind: 'account', accountId: claim.accountId });
    const budgetHash = this.hashOf({ kind: 'budget', keyId: claim.keyId ?? '', periodStart: claim.periodStart });
    const amount = microUsdCeil(claim.amount);
    const limit = claim.keyBudget === null ? '-' : microUsdFloor(claim.keyBudget).toString();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      // Counted before the answer: a republish meanwhile must not drop it (see `republish`).
      this.addOwn(accountHash, amount);
      this.addOwn(budgetHash, amount);
      let answer: unknown;
      try {
        answer = await this.run(RESERVE, [accountHash, budgetHash, this.instancesKey], [
          this.options.instanceId,
          amount.toString(),
          String(this.deadAfterMs),
          limit,
          String(this.ttlMs),
        ]);
      } catch (error) {
        this.addOwn(accountHash, -amount);
        this.addOwn(budgetHash, -amount);
        // The script may have run before the connection failed: write the own amounts again.
        this.lostUpdate(error);
        throw new GatewayError('internal_error', 'The credit service is unavailable; try again shortly.');
      }
      const [outcome, first, second] = answer as [string, string?, string?];
      if (outcome === 'ok') {
        if (Number(first) > this.refreshIntervalMs) this.refreshInBackground(accountHash);
        if (claim.keyBudget !== null && Number(second) > this.refreshIntervalMs) this.refreshInBackground(budgetHash);
        return;
      }
      this.addOwn(accountHash, -amount);
      this.addOwn(budgetHash, -amount);
      if (outcome === 'cold-account') await this.refresh(accountHash);
      else if (outcome === 'cold-budget') await this.refresh(budgetHash);
      else if (outcome === 'credit') throw creditRefusal(claim, microUsdToUnits(BigInt(first ?? '0')));
      else throw budgetRefusal(claim, microUsdToUnits(BigInt(first ?? '0')));
    }
    throw new GatewayError('internal_error', 'The credit service is busy; try again shortly.');
  }

  settled(claim: CreditClaim, charge: bigint): void {
    const change = microUsdCeil(charge) - microUsdCeil(claim.amount);
    if (change === 0n) return;
    const hashes = [this.hashOf({ kind: 'account', accountId: claim.accountId })];
    if (claim.keyId !== null) hashes.push(this.hashOf({ kind: 'budget', keyId: claim.keyId, periodStart: claim.periodStart }));
    const pipeline = this.options.redis.pipeline();
    for (const hash of hashes) {
      this.addOwn(hash, change);
      pipeline.hincrby(hash, `p:${this.options.instanceId}`, change.toString());
    }
    pipeline.exec().then(
      (results) => this.checkResults(results),
      (error: unknown) => this.lostUpdate(error),
    );
  }

  stored(records: readonly LedgerRecord[]): void {
    // Per hash: how much this process's pending falls, and how much the stored field moves.
    const changes = new Map<string, { field: 'base' | 'spent'; pending: bigint; units: bigint }>();
    const add = (target: HashTarget, pending: bigint, units: bigint) => {
      const hash = this.hashOf(target);
      const change = changes.get(hash) ?? { field: target.kind === 'account' ? 'base' : 'spent', pending: 0n, units: 0n };
      change.pending += pending;
      change.units += units;
      changes.set(hash, change);
    };
    for (const record of records) {
      if (isOpenedHold(record)) {
        add({ kind: 'account', accountId: record.hold.accountId }, microUsdCeil(record.hold.amount), -record.hold.amount);
        continue;
      }
      const held = record.heldAmount ?? 0n;
      const contribution = microUsdCeil(record.charge) - microUsdCeil(held);
      if (contribution === 0n && record.charge === 0n && held === 0n) continue;
      add({ kind: 'account', accountId: record.generation.accountId }, contribution, held - record.charge);
      // A key's stored spending never included the hold: its pending held the hold until now,
      // and (since `settled`) the charge instead, which leaves it for the stored spending.
      if (record.generation.keyId !== null && record.charge !== 0n) {
        const charged = microUsdCeil(record.charge);
        add({ kind: 'budget', keyId: record.generation.keyId, periodStart: record.budgetPeriodStart ?? null }, charged, record.charge);
      }
    }
    for (const [hash, change] of changes) {
      this.addOwn(hash, -change.pending);
      // The stored field moves by the batch's amount rounded against the caller: a balance falls
      // by at least as much, a spending rises by at least as much.
      const fieldChange = change.field === 'base' ? microUsdFloor(change.units) : microUsdCeil(change.units);
      this.run(APPLY_STORED, [hash], [this.options.instanceId, (-change.pending).toString(), change.field, fieldChange.toString(), String(this.ttlMs)]).catch(
        (error: unknown) => this.lostUpdate(error),
      );
    }
  }

  accountChanged(accountId: string): void {
    this.refreshInBackground(this.hashOf({ kind: 'account', accountId }));
  }

  private async heartbeat(): Promise<void> {
    const added = await this.run(HEARTBEAT, [this.instancesKey], [this.options.instanceId, String(this.ttlMs)]);
    // Registered again after being taken for dead (a long stall): its `p:` fields may be gone.
    if (added === 1 && this.registered) this.republish();
    this.registered = true;
  }

  /** Writes this process's pending amounts again, as absolute values, and re-reads stored ones. */
  private republish(): void {
    const pipeline = this.options.redis.pipeline();
    for (const [hash, amount] of this.ownPending) {
      if (amount === 0n) pipeline.hdel(hash, `p:${this.options.instanceId}`);
      else pipeline.hset(hash, `p:${this.options.instanceId}`, amount.toString());
    }
    pipeline.exec().then(
      (results) => this.checkResults(results),
      (error: unknown) => this.report(error),
    );
    for (const hash of this.targets.keys()) this.refreshInBackground(hash);
  }

  private refreshInBackground(hash: string): void {
    void this.refresh(hash).catch((error: unknown) => this.report(error));
  }

  /** Reads the stored value from the database and sets it, unless a batch changed it meanwhile. */
  private refresh(hash: string): Promise<void> {
    const running = this.refreshing.get(hash);
    if (running) return running;
    const task = (async () => {
      const target = this.targets.get(hash)!;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const epoch = (await this.options.redis.hget(hash, 'epoch')) ?? '0';
        const [field, value] = await this.readStored(target);
        if ((await this.run(SET_STORED, [hash], [field, value.toString(), epoch, String(this.ttlMs)])) === 1) return;
      }
    })().finally(() => this.refreshing.delete(hash));
    this.refreshing.set(hash, task);
    return task;
  }

  private async readStored(target: HashTarget): Promise<['base' | 'spent', bigint]> {
    if (target.kind === 'account') {
      const balance = (await this.options.store.readBalances([target.accountId])).get(target.accountId) ?? 0n;
      return ['base', microUsdFloor(balance)];
    }
    const spending = (await this.options.store.readKeySpending([target.keyId])).get(target.keyId);
    return ['spent', microUsdCeil(spendingInPeriod(spending, target.periodStart))];
  }

  private hashOf(target: HashTarget): string {
    const hash =
      target.kind === 'account'
        ? `${this.options.prefix}credit:account:${target.accountId}`
        : `${this.options.prefix}credit:key:${target.keyId}:${target.periodStart ?? 'total'}`;
    if (!this.targets.has(hash)) this.targets.set(hash, target);
    return hash;
  }

  private addOwn(hash: string, amount: bigint): void {
    const next = (this.ownPending.get(hash) ?? 0n) + amount;
    if (next === 0n) this.ownPending.delete(hash);
    else this.ownPending.set(hash, next);
  }

  private async run(target: RedisScript, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.options.redis.evalsha(target.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
      return this.options.redis.eval(target.source, keys.length, ...keys, ...args);
    }
  }

  private checkResults(results: Array<[Error | null, unknown]> | null): void {
    const failure = results?.find(([error]) => error !== null);
    if (failure) this.lostUpdate(failure[0]);
  }

  /** An update may not have reached Redis: write this process's amounts again once it answers. */
  private lostUpdate(error: unknown): void {
    this.report(error);
    setTimeout(() => this.republish(), this.heartbeatMs).unref();
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // A failing logger must not break the credit path.
    }
  }
}
