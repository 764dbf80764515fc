/**
 * Puts the credit path together: the reservations (in memory, or in Redis when `REDIS_URL` is
 * set), the hold ledger the pipelines use, and the reconciler that releases the holds of dead
 * processes. Call it after the settlement writer has started (the journal is replayed by then).
 */
import { Redis } from 'ioredis';
import type { LedgerSnapshotReads, LedgerStore, LedgerVerification } from '../store/ledger-store.js';
import type { SettlementWriter } from '../metering/settlement-writer.js';
import type { CreditReservations } from './credit-reservations.js';
import { HoldLedger } from './hold-ledger.js';
import { HoldReconciler } from './hold-reconciler.js';
import { InMemoryCreditReservations } from './in-memory-credit-reservations.js';
import { claimInstanceIdentity } from './instance-identity.js';
import { RedisCreditReservations } from './redis-credit-reservations.js';

export interface CreditLedgerOptions {
  /** `snapshotReads`: where the reservations read balances and key spending; default `ledger`. */
  store: { ledger: LedgerStore; snapshotReads?: LedgerSnapshotReads };
  writer: Pick<SettlementWriter, 'record' | 'recordHold' | 'whenIdle' | 'addStoredListener'>;
  dataDir: string;
  /** Several gateway processes share reservations through this Redis; unset for one process. */
  redisUrl?: string;
  /** Prefix of the Redis keys; default `switchyard:`. */
  redisPrefix?: string;
  logger: { error(object: object, message: string): void; info(object: object, message: string): void };
  now?: () => number;
  /** How often holds of dead processes are looked for (Redis only). */
  sweepIntervalMs?: number;
  /** Redis only: a process silent this long is dead, its holds released. */
  deadAfterMs?: number;
  /** Where this process keeps its instance id; default `dataDir` (a worker of several: its own folder). */
  identityDirectory?: string;
  /**
   * Reservations kept by another process, used instead of the in-memory table (a worker of
   * `SWITCHYARD_WORKERS` without Redis: its primary keeps them, and releases leftover holds).
   */
  reservations?: CreditReservations;
}

export interface RunningCreditLedger {
  /** For the pipelines' `ledger` dependency. */
  ledger: HoldLedger;
  instanceId: string;
  mode: 'memory' | 'redis';
  reservations: CreditReservations;
  /** Holds released at start (left by an earlier run). */
  releasedAtStart: number;
  verify(): Promise<LedgerVerification>;
  /** Tell after a top-up or correction made in this process, so it shows at once. */
  accountChanged(accountId: string): void;
  /** After the settlement writer closed: stops timers and leaves Redis. */
  close(): Promise<void>;
}

export async function startCreditLedger(options: CreditLedgerOptions): Promise<RunningCreditLedger> {
  const identity = claimInstanceIdentity(options.identityDirectory ?? options.dataDir);
  const store = options.store.ledger;
  const snapshotReads = options.store.snapshotReads ?? store;
  const reconciler = new HoldReconciler({ store, ...(options.now ? { now: options.now } : {}) });
  const onError = (error: unknown) => options.logger.error({ err: error }, 'credit reservations failed; will retry');

  let reservations: CreditReservations;
  let releasedAtStart: number;
  let sweep: NodeJS.Timeout | null = null;
  let redis: Redis | null = null;
  if (options.redisUrl) {
    redis = new Redis(options.redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    redis.on('error', onError);
    await redis.connect();
    const shared = new RedisCreditReservations({
      redis,
      prefix: options.redisPrefix ?? 'switchyard:',
      instanceId: identity.id,
      store: snapshotReads,
      onError,
      ...(options.deadAfterMs === undefined ? {} : { deadAfterMs: options.deadAfterMs }),
    });
    await shared.register();
    if (identity.previousId) await shared.forgetInstance(identity.previousId);
    releasedAtStart = identity.previousId ? await reconciler.releaseAtStart({ instanceIds: [identity.previousId] }) : 0;
    releasedAtStart += await reconciler.releaseAbandoned((id) => shared.isAlive(id), shared.deadAfterMs, identity.id);
    sweep = setInterval(() => {
      reconciler.releaseAbandoned((id) => shared.isAlive(id), shared.deadAfterMs, identity.id).catch(onError);
    }, options.sweepIntervalMs ?? 30_000);
    sweep.unref();
    reservations = shared;
  } else if (options.reservations) {
    releasedAtStart = 0;
    reservations = options.reservations;
  } else {
    // Without Redis this process is the only gateway on the database: every open hold is a leftover.
    releasedAtStart = await reconciler.releaseAtStart('all');
    reservations = new InMemoryCreditReservations({
      store: snapshotReads,
      whenIdle: (task) => options.writer.whenIdle(task),
      onError,
      ...(options.now ? { now: options.now } : {}),
    });
  }
  if (releasedAtStart > 0) options.logger.info({ holds: releasedAtStart }, 'released holds left by a stopped gateway process');
  options.writer.addStoredListener((records) => reservations.stored(records));
  reservations.start();

  const ledger = new HoldLedger({
    journal: options.writer,
    reservations,
    instanceId: identity.id,
    ...(options.now ? { now: options.now } : {}),
    onError,
  });
  return {
    ledger,
    instanceId: identity.id,
    mode: redis ? 'redis' : 'memory',
    reservations,
    releasedAtStart,
    verify: () => store.verify(),
    accountChanged: (accountId) => reservations.accountChanged(accountId),
    async close() {
      if (sweep) clearInterval(sweep);
      ledger.close();
      await reservations.close();
      if (redis) {
        if (reservations instanceof RedisCreditReservations) await reservations.forgetInstance(identity.id).catch(onError);
        await redis.quit().catch(() => undefined);
      }
    },
  };
}
