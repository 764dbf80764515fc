/**
 * What a worker tells the primary of a stored batch: the records' amounts summed per account, key
 * and budget period, which must move the primary's leases exactly as the records one by one would.
 */
import { describe, expect, it } from 'vitest';
import { CreditAuthority } from '../../src/cluster/credit-authority.js';
import { encodeStored } from '../../src/cluster/credit-messages.js';
import type { CreditClaim } from '../../src/credit/credit-reservations.js';
import type { LedgerRecord, StoredKeySpending } from '../../src/store/ledger-store.js';

function settlement(accountId: string, keyId: string | null, heldAmount: bigint, charge: bigint, budgetPeriodStart: number | null = null): LedgerRecord {
  return {
    generation: {
      id: `gen-${Math.random()}`,
      accountId,
      keyId,
      model: 'm',
      provider: 'p',
      channel: 'c',
      endpoint: 'chat.completions',
      status: 'success',
      httpStatus: 200,
      errorCode: null,
      stream: false,
      promptTokens: 1,
      completionTokens: 1,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      usageEstimated: false,
      cost: charge,
      latencyMs: 1,
      ttftMs: null,
      attempts: 1,
      createdAt: 0,
    },
    charge,
    heldAmount,
    budgetPeriodStart,
  };
}

function hold(accountId: string, amount: bigint): LedgerRecord {
  return {
    hold: { generationId: `gen-${Math.random()}`, accountId, keyId: null, amount, instanceId: 'i', model: 'm', endpoint: 'chat.completions', stream: false, createdAt: 0 },
  };
}

describe('the stored-batch note', () => {
  it("sums a batch's records per account, key and budget period, and leaves free ones out", () => {
    const period = 1_700_000_000_000;
    const records = [
      hold('acct-a', 300n),
      settlement('acct-a', 'key-1', 0n, 100n),
      hold('acct-b', 50n),
      settlement('acct-a', 'key-1', 400n, 50n),
      settlement('acct-a', 'key-1', 0n, 30n, period),
      settlement('acct-a', null, 300n, 0n),
      settlement('acct-b', 'key-2', 0n, 0n),
      hold('acct-a', 200n),
      settlement('acct-a', 'key-1', 10n, 10n, period),
    ];
    expect(encodeStored(records)).toEqual([
      ['h', 'acct-a', '500'],
      ['h', 'acct-b', '50'],
      ['s', 'acct-a', 'key-1', '400', '150', null],
      ['s', 'acct-a', 'key-1', '10', '40', period],
      ['s', 'acct-a', null, '300', '0', null],
    ]);
    expect(encodeStored([settlement('acct-b', 'key-2', 0n, 0n)])).toEqual([]);
  });

  it("moves the primary's leases exactly as the records one by one would", async () => {
    const accounts = ['acct-a', 'acct-b'];
    const keys = ['key-1', 'key-2', null];
    const periods = [null, 1_700_000_000_000];
    let seed = 7;
    const random = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % below;
    };
    for (let trial = 0; trial < 20; trial += 1) {
      const claims: CreditClaim[] = [];
      for (const accountId of accounts) {
        for (const keyId of keys) {
          for (const periodStart of keyId === null ? [null] : periods) {
            claims.push({
              accountId,
              keyId,
              keyBudget: keyId === null ? null : 300_000n,
              budgetPeriod: periodStart === null ? 'total' : 'day',
              periodStart,
              amount: BigInt(1 + random(5_000)),
            });
          }
        }
      }
      const records: LedgerRecord[] = Array.from({ length: 60 }, () => {
        const accountId = accounts[random(accounts.length)]!;
        if (random(5) === 0) return hold(accountId, BigInt(1 + random(9_000)));
        const keyId = keys[random(keys.length)]!;
        const periodStart = keyId === null ? null : periods[random(periods.length)]!;
        const held = random(3) === 0 ? 0n : BigInt(random(9_000));
        return settlement(accountId, keyId, held, BigInt(random(3) === 0 ? 0 : random(9_000)), periodStart);
      });

      const oneByOne = records.flatMap((record) => encodeStored([record]));
      const summed = encodeStored(records);
      expect(summed.length).toBeLessThan(oneByOne.length);
      const byRecord = await leasesAfter(claims, (authority) => authority.stored('worker-1', oneByOne));
      const bySums = await leasesAfter(claims, (authority) => authority.stored('worker-1', summed));
      expect(bySums).toEqual(byRecord);
    }
  });
});

/**
 * A primary whose worker leased each claim, then had a batch stored (`store`) and stopped: the
 * grants and refusals it gives another worker for each claim, three times over, describe what the
 * stored batch left of every balance and budget. (While the worker lives, a stored batch moves
 * its lease and the stored value alike, so what is available does not show it.)
 */
async function leasesAfter(claims: CreditClaim[], store: (authority: CreditAuthority) => void): Promise<string[]> {
  const balances = new Map([
    ['acct-a', 400_000n],
    ['acct-b', 150_000n],
  ]);
  const spending = new Map<string, StoredKeySpending>([['key-1', { spent: 1_000n, periodSpent: 500n, periodStart: 1_700_000_000_000 }]]);
  const authority = new CreditAuthority({
    store: {
      readBalances: async (ids) => new Map(ids.filter((id) => balances.has(id)).map((id) => [id, balances.get(id)!])),
      readKeySpending: async (ids) => new Map(ids.filter((id) => spending.has(id)).map((id) => [id, spending.get(id)!])),
    },
    whenIdle: (task) => task(),
    workers: () => 2,
    takeBack: async () => ({ account: 0n, budget: 0n }),
  });
  const outcome = async (worker: string, claim: CreditClaim): Promise<string> => {
    try {
      const grant = await authority.lease(worker, { claim, account: true, budget: claim.keyBudget !== null });
      return `${grant.account}/${grant.budget}`;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };
  for (const claim of claims) await outcome('worker-1', claim);
  store(authority);
  authority.forgetWorker('worker-1');
  const outcomes: string[] = [];
  for (let round = 0; round < 3; round += 1) {
    for (const claim of claims) outcomes.push(await outcome('worker-2', claim));
  }
  return outcomes;
}
