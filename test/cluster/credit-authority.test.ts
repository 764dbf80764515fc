/**
 * Credit leases between the primary (`CreditAuthority`) and workers (`IpcCreditReservations`),
 * wired through in-process channels: workers together never hold more than an account's credit
 * or a key's budget, a request is refused only when the credit is really taken, stored batches
 * keep the leases exact, most requests cost no message, and a dead worker's lease leaves once
 * its journal is stored.
 */
import { describe, expect, it } from 'vitest';
import { CreditAuthority } from '../../src/cluster/credit-authority.js';
import { CREDIT_LEASE, CREDIT_STORED, CREDIT_TAKE_BACK, decodeClaim, type EncodedClaim, type StoredChange } from '../../src/cluster/credit-messages.js';
import { IpcCreditReservations } from '../../src/cluster/ipc-credit-reservations.js';
import { IpcPeer } from '../../src/cluster/ipc-peer.js';
import type { CreditClaim } from '../../src/credit/credit-reservations.js';
import { isGatewayError } from '../../src/core/index.js';
import type { StoredKeySpending } from '../../src/store/ledger-store.js';

/** Balances and key spending as the database has them; a stored batch moves them. */
class FakeLedger {
  readonly balances = new Map<string, bigint>([['acct', 0n]]);
  readonly spending = new Map<string, StoredKeySpending>();

  async readBalances(ids: readonly string[]): Promise<Map<string, bigint>> {
    return new Map(ids.filter((id) => this.balances.has(id)).map((id) => [id, this.balances.get(id)!]));
  }

  async readKeySpending(ids: readonly string[]): Promise<Map<string, StoredKeySpending>> {
    return new Map(ids.filter((id) => this.spending.has(id)).map((id) => [id, this.spending.get(id)!]));
  }

  apply(changes: readonly StoredChange[]): void {
    for (const change of changes) {
      if (change[0] === 'h') {
        this.balances.set(change[1], this.balances.get(change[1])! - BigInt(change[2]));
        continue;
      }
      const [, accountId, keyId, held, charge] = change;
      this.balances.set(accountId, this.balances.get(accountId)! + BigInt(held) - BigInt(charge));
      if (keyId !== null) {
        const spent = this.spending.get(keyId) ?? { spent: 0n, periodSpent: 0n, periodStart: 0 };
        this.spending.set(keyId, { ...spent, spent: spent.spent + BigInt(charge) });
      }
    }
  }
}

interface TestWorker {
  reservations: IpcCreditReservations;
  /** Stores a batch of this worker: the ledger moves, then the worker reports it. */
  store(changes: StoredChange[]): void;
  leaseCalls: () => number;
}

function setUp(credit: bigint) {
  const ledger = new FakeLedger();
  ledger.balances.set('acct', credit);
  const primarySides = new Map<string, IpcPeer>();
  const authority = new CreditAuthority({
    store: ledger,
    whenIdle: (task) => task(),
    workers: () => primarySides.size,
    takeBack: async (worker, accountId, budgetKey) => {
      const [account, budget] = await primarySides.get(worker)!.call<[string, string]>(CREDIT_TAKE_BACK, [accountId, budgetKey]);
      return { account: BigInt(account), budget: BigInt(budget) };
    },
  });
  const worker = (name: string): TestWorker => {
    let leaseCalls = 0;
    const deliver = (to: () => IpcPeer) => (message: unknown) => {
      const text = JSON.stringify(message);
      setImmediate(() => to().receive(JSON.parse(text)));
    };
    const workerSide: IpcPeer = new IpcPeer({ send: deliver(() => primarySide) });
    const primarySide: IpcPeer = new IpcPeer({ send: deliver(() => workerSide) });
    primarySides.set(name, primarySide);
    primarySide.onCall(CREDIT_LEASE, async (payload) => {
      leaseCalls += 1;
      const [claim, account, budget] = payload as [EncodedClaim, boolean, boolean];
      const grant = await authority.lease(name, { claim: decodeClaim(claim), account, budget });
      return [grant.account.toString(), grant.budget.toString()];
    });
    primarySide.onNote(CREDIT_STORED, (changes) => authority.stored(name, changes as StoredChange[]));
    return {
      reservations: new IpcCreditReservations(workerSide),
      store(changes) {
        ledger.apply(changes);
        workerSide.notify(CREDIT_STORED, changes);
      },
      leaseCalls: () => leaseCalls,
    };
  };
  return { ledger, authority, worker, primarySides };
}

function claim(amount: bigint, keyBudget: bigint | null = null): CreditClaim {
  return { accountId: 'acct', keyId: 'key', keyBudget, budgetPeriod: 'total', periodStart: null, amount };
}

async function outcomes(attempts: Array<Promise<void>>): Promise<{ served: number; refused: number }> {
  const results = await Promise.allSettled(attempts);
  for (const result of results) {
    if (result.status === 'rejected' && !(isGatewayError(result.reason) && result.reason.code === 'insufficient_credit')) throw result.reason;
  }
  return { served: results.filter((result) => result.status === 'fulfilled').length, refused: results.filter((result) => result.status === 'rejected').length };
}

/** How many more holds of `amount` the workers can take between them, one at a time. */
async function holdsLeft(workers: TestWorker[], amount: bigint, budget: bigint | null = null): Promise<number> {
  let served = 0;
  for (let index = 0; ; index += 1) {
    try {
      await workers[index % workers.length]!.reservations.reserve(claim(amount, budget));
      served += 1;
    } catch (error) {
      if (isGatewayError(error) && error.code === 'insufficient_credit') return served;
      throw error;
    }
  }
}

describe('credit leases between the primary and workers', () => {
  it('lets two workers together hold exactly the credit, no more', async () => {
    const { worker } = setUp(1_000n);
    const workers = [worker('worker-1'), worker('worker-2')];
    const attempts = Array.from({ length: 40 }, (_, index) => workers[index % 2]!.reservations.reserve(claim(100n)));
    expect(await outcomes(attempts)).toEqual({ served: 10, refused: 30 });
  });

  it("lets two workers together hold exactly a key's budget, no more", async () => {
    const { worker } = setUp(1_000_000n);
    const workers = [worker('worker-1'), worker('worker-2')];
    const attempts = Array.from({ length: 20 }, (_, index) => workers[index % 2]!.reservations.reserve(claim(100n, 500n)));
    expect(await outcomes(attempts)).toEqual({ served: 5, refused: 15 });
  });

  it('asks the primary for only a few of many requests while there is plenty', async () => {
    const { worker } = setUp(1_000_000_000n);
    const one = worker('worker-1');
    worker('worker-2');
    for (let index = 0; index < 200; index += 1) {
      await one.reservations.reserve(claim(1_000n));
      one.reservations.settled(claim(1_000n), 400n);
    }
    expect(one.leaseCalls()).toBeLessThanOrEqual(10);
  });

  it('takes back what another worker leased but does not use, before refusing anyone', async () => {
    const { worker } = setUp(10_000n);
    const first = worker('worker-1');
    const second = worker('worker-2');
    // The first worker's lease comes with extra; it settles its request for nothing.
    await first.reservations.reserve(claim(1_000n));
    first.reservations.settled(claim(1_000n), 0n);
    // The second can still take all 10,000 between its requests, the first's lease included.
    expect(await holdsLeft([second], 1_000n)).toBe(10);
  });

  it('stays exact as charges settle and batches are stored, whatever the order', async () => {
    const { worker } = setUp(1_000n);
    const workers = [worker('worker-1'), worker('worker-2')];
    const [first, second] = workers as [TestWorker, TestWorker];
    await first.reservations.reserve(claim(400n));
    await second.reservations.reserve(claim(400n));
    // The first request cost 100; its hold was never journaled, so its settlement alone is stored.
    first.reservations.settled(claim(400n), 100n);
    first.store([['s', 'acct', 'key', '0', '100', null]]);
    // The second's hold was stored, then its request cost 50.
    second.store([['h', 'acct', '400']]);
    second.reservations.settled(claim(400n), 50n);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Left: 1000 − 100 − 50 = 850, whether the last settlement is stored yet or not.
    second.store([['s', 'acct', 'key', '400', '50', null]]);
    expect(await holdsLeft(workers, 85n)).toBe(10);
  });

  it("takes a dead worker's lease out once its journal is stored and its holds released", async () => {
    const { ledger, authority, worker } = setUp(1_000n);
    const dying = worker('worker-1');
    const living = worker('worker-2');
    await dying.reservations.reserve(claim(300n));
    await dying.reservations.reserve(claim(200n));
    await living.reservations.reserve(claim(100n));
    // The dying worker: one request ended (charge 50, in its journal only), the other's hold was stored.
    dying.reservations.settled(claim(200n), 50n);
    dying.store([['h', 'acct', '300']]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // It dies. Its journal is stored (the charge) and its stored hold released…
    ledger.apply([['s', 'acct', 'key', '0', '50', null]]);
    ledger.apply([['s', 'acct', null, '300', '0', null]]);
    // …then its lease is taken out and the balance read again.
    authority.forgetWorker('worker-1');
    await authority.readSnapshots();
    await expect(authority.lease('worker-1', { claim: claim(1n), account: true, budget: false })).rejects.toThrow('has stopped');
    // Left: 1000 − 50 charged − the living worker's hold of 100.
    expect(await holdsLeft([living], 50n)).toBe(17);
  });

  it('sees a top-up made elsewhere at the next refresh', async () => {
    const { ledger, authority, worker } = setUp(100n);
    const one = worker('worker-1');
    await expect(one.reservations.reserve(claim(101n))).rejects.toThrow(/does not cover/);
    ledger.balances.set('acct', 600n);
    authority.accountChanged();
    await authority.refresh();
    expect(await holdsLeft([one], 100n)).toBe(6);
  });
});
