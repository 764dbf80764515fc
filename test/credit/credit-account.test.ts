import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { creditAccount, type CreditDependencies } from '../../src/accounts/credit-account.js';
import { GatewayError } from '../../src/core/index.js';
import { usdToUnits } from '../../src/metering/money.js';
import { KyselyLedgerHistoryStore } from '../../src/store/kysely-ledger-history-store.js';
import { createCaller, principalsFor, type TestCaller } from './credit-fixtures.js';
import { databaseEngines, type TestDatabase } from './credit-test-database.js';

const engines = await databaseEngines();

describe.each(engines)('creditAccount on $name', (engine) => {
  let database: TestDatabase;
  let caller: TestCaller;
  let credited: string[];
  let dependencies: CreditDependencies;

  beforeEach(async () => {
    database = await engine.open();
    caller = await createCaller(database.store);
    credited = [];
    dependencies = {
      store: database.store,
      history: new KyselyLedgerHistoryStore(database.db),
      now: () => 1_736_000_000_000,
      onCredited: (accountId) => credited.push(accountId),
    };
  });

  afterEach(async () => {
    await database.dispose();
  });

  it('credits a payment once however often its webhook is delivered', async () => {
    const payment = { accountId: caller.accountId, amount: usdToUnits('25.50'), kind: 'top_up' as const, idempotencyKey: 'pay:pi_123', note: 'card' };
    const first = await creditAccount(dependencies, payment);
    const second = await creditAccount(dependencies, payment);

    expect(first.credited).toBe(true);
    expect(first.balance).toBe(25_500_000_000_000n);
    expect(first.entry.idempotencyKey).toBe('top_up:pay:pi_123');
    expect(second.credited).toBe(false);
    expect(second.entry.id).toBe(first.entry.id);
    expect(second.balance).toBe(25_500_000_000_000n);
    expect(credited).toEqual([caller.accountId]);
    expect(await database.store.listLedgerEntries(caller.accountId, 10)).toHaveLength(1);
    expect(await database.store.verifyLedger()).toEqual([]);
  });

  it('credits once when the same payment arrives many times at once', async () => {
    const payment = { accountId: caller.accountId, amount: usdToUnits(5), kind: 'top_up' as const, idempotencyKey: 'pay:pi_concurrent' };
    const results = await Promise.all(Array.from({ length: 8 }, () => creditAccount(dependencies, payment)));

    expect(results.filter((result) => result.credited)).toHaveLength(1);
    expect((await database.store.findAccountById(caller.accountId))!.balance).toBe(5_000_000_000_000n);
    expect(await database.store.verifyLedger()).toEqual([]);
  });

  it('refuses a repeated key that names a different amount', async () => {
    await creditAccount(dependencies, { accountId: caller.accountId, amount: usdToUnits(5), kind: 'top_up', idempotencyKey: 'pay:1' });
    const error = await creditAccount(dependencies, { accountId: caller.accountId, amount: usdToUnits(6), kind: 'top_up', idempotencyKey: 'pay:1' }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('conflict');
    expect((await database.store.findAccountById(caller.accountId))!.balance).toBe(5_000_000_000_000n);
  });

  it('requires a note for corrections and allows them to take credit away', async () => {
    await creditAccount(dependencies, { accountId: caller.accountId, amount: usdToUnits(10), kind: 'top_up', idempotencyKey: 'a' });
    const withoutNote = creditAccount(dependencies, { accountId: caller.accountId, amount: usdToUnits(-3), kind: 'correction', idempotencyKey: 'b', note: '  ' });
    await expect(withoutNote).rejects.toMatchObject({ code: 'invalid_request', details: { param: 'note' } });

    const corrected = await creditAccount(dependencies, {
      accountId: caller.accountId,
      amount: usdToUnits('-3.25'),
      kind: 'correction',
      idempotencyKey: 'b',
      note: 'double-charged request',
    });
    expect(corrected.balance).toBe(6_750_000_000_000n);
    expect(corrected.entry).toMatchObject({ kind: 'correction', note: 'double-charged request', amount: -3_250_000_000_000n });
  });

  it('refuses zero, negative top-ups and unknown accounts', async () => {
    await expect(
      creditAccount(dependencies, { accountId: caller.accountId, amount: 0n, kind: 'top_up', idempotencyKey: 'z' }),
    ).rejects.toMatchObject({ code: 'invalid_request', details: { param: 'amount' } });
    await expect(
      creditAccount(dependencies, { accountId: caller.accountId, amount: -1n, kind: 'top_up', idempotencyKey: 'n' }),
    ).rejects.toMatchObject({ code: 'invalid_request', details: { param: 'amount' } });
    await expect(
      creditAccount(dependencies, { accountId: 'acct_missing', amount: 1n, kind: 'top_up', idempotencyKey: 'u' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(credited).toEqual([]);
  });

  it('lets the gateway see the new balance at once when the key cache is told', async () => {
    const { authenticator } = principalsFor(database.store);
    expect((await authenticator.authenticate(caller.key)).account.balance).toBe(0n);

    await creditAccount(
      { ...dependencies, onCredited: (accountId) => authenticator.invalidateAccount(accountId) },
      { accountId: caller.accountId, amount: usdToUnits(2), kind: 'top_up', idempotencyKey: 'pay:seen' },
    );

    expect((await authenticator.authenticate(caller.key)).account.balance).toBe(2_000_000_000_000n);
  });
});
