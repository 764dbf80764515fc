import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LowBalanceNotifier, type LowBalanceEvent } from '../../src/accounts/low-balance-notifier.js';
import { usdToUnits } from '../../src/metering/money.js';
import { KyselyLowBalanceStore } from '../../src/store/kysely-low-balance-store.js';
import { settlement } from '../store/store-fixtures.js';
import { BASE_TIME, createCaller, type TestCaller } from './credit-fixtures.js';
import { databaseEngines, type TestDatabase } from './credit-test-database.js';

const engines = await databaseEngines();

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local webhook receiver that records every POST and answers with `status`. */
let receiver: Server;
let receiverUrl: string;
let received: Received[] = [];
let status = 200;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.statusCode = status;
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/low-balance`;
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

const events = (): LowBalanceEvent[] => received.map((item) => JSON.parse(item.body) as LowBalanceEvent);

describe.each(engines)('low-balance notifier on $name', (engine) => {
  let database: TestDatabase;
  let caller: TestCaller;
  let errors: unknown[];
  let lowBalance: KyselyLowBalanceStore;

  beforeEach(async () => {
    received = [];
    status = 200;
    errors = [];
    database = await engine.open();
    lowBalance = new KyselyLowBalanceStore(database.db);
    caller = await createCaller(database.store);
    await database.store.appendLedgerEntry({
      id: 'grant',
      accountId: caller.accountId,
      kind: 'top_up',
      amount: usdToUnits(10),
      idempotencyKey: `grant:${caller.accountId}`,
      generationId: null,
      note: null,
      createdAt: BASE_TIME,
    });
  });

  afterEach(async () => {
    await database.dispose();
  });

  function notifier(options: { signingSecret?: string } = {}): LowBalanceNotifier {
    return new LowBalanceNotifier({
      store: lowBalance,
      webhookUrl: receiverUrl,
      defaultThreshold: usdToUnits(5),
      now: () => BASE_TIME,
      onError: (error) => errors.push(error),
      ...options,
    });
  }

  const charge = (usd: string) => database.store.settle([settlement(caller.accountId, usdToUnits(usd))]);

  it('posts once when a charge brings the balance below the threshold, and again after it recovers', async () => {
    const watcher = notifier();
    await charge('4');
    await watcher.check([caller.accountId]);
    await watcher.whenIdle();
    expect(received).toHaveLength(0);

    await charge('2.5');
    await watcher.check([caller.accountId]);
    await watcher.check([caller.accountId]);
    await watcher.whenIdle();
    expect(events()).toEqual([
      {
        type: 'account.low_balance',
        id: expect.any(String),
        created_at: new Date(BASE_TIME).toISOString(),
        account: { id: caller.accountId, email: caller.email },
        balance: 3.5,
        threshold: 5,
      },
    ]);
    expect(received[0]!.headers['content-type']).toBe('application/json');

    await charge('1');
    await watcher.check([caller.accountId]);
    await watcher.whenIdle();
    expect(received).toHaveLength(1);

    // A top-up back above the threshold re-arms the alert; the next crossing notifies again.
    await database.store.appendLedgerEntry({
      id: 'topup',
      accountId: caller.accountId,
      kind: 'top_up',
      amount: usdToUnits(10),
      idempotencyKey: 'topup',
      generationId: null,
      note: null,
      createdAt: BASE_TIME,
    });
    await watcher.check([caller.accountId]);
    await charge('9');
    await watcher.check([caller.accountId]);
    await watcher.whenIdle();
    expect(events().map((event) => event.balance)).toEqual([3.5, 3.5]);
    expect(errors).toEqual([]);
  });

  it('checks the accounts noted as charged together, once per turn of the event loop', async () => {
    const other = await createCaller(database.store);
    const watcher = notifier();
    await charge('6');
    watcher.noteCharged(caller.accountId);
    watcher.noteCharged(caller.accountId);
    watcher.noteCharged(other.accountId);
    await watcher.whenIdle();
    // The other account has no credit at all, so it is below the 5 USD default too.
    expect(events().map((event) => event.account.id).sort()).toEqual([caller.accountId, other.accountId].sort());
  });

  it('notifies a crossing once even when several processes check at the same time', async () => {
    await charge('6');
    const watchers = [notifier(), notifier(), notifier()];
    await Promise.all(watchers.flatMap((watcher) => [watcher.check([caller.accountId]), watcher.check([caller.accountId])]));
    await Promise.all(watchers.map((watcher) => watcher.whenIdle()));
    expect(received).toHaveLength(1);
  });

  it("uses an account's own threshold over the default", async () => {
    await lowBalance.setLowBalanceThreshold(caller.accountId, usdToUnits(1));
    expect(await lowBalance.getLowBalanceThreshold(caller.accountId)).toBe(usdToUnits(1));
    const watcher = notifier();
    await charge('6');
    await watcher.check([caller.accountId]);
    await watcher.whenIdle();
    expect(received).toHaveLength(0);
    await charge('3.5');
    await watcher.check([caller.accountId]);
    await watcher.whenIdle();
    expect(events().map((event) => [event.balance, event.threshold])).toEqual([[0.5, 1]]);
  });

  it('signs the body when given a secret', async () => {
    await charge('6');
    const watcher = notifier({ signingSecret: 'webhook-secret' });
    await watcher.check([caller.accountId]);
    await watcher.whenIdle();
    const expected = `sha256=${createHmac('sha256', 'webhook-secret').update(received[0]!.body).digest('hex')}`;
    expect(received[0]!.headers['x-switchyard-signature']).toBe(expected);
  });

  it('reports a failing receiver without retrying or throwing', async () => {
    status = 500;
    await charge('6');
    const watcher = notifier();
    await expect(watcher.check([caller.accountId])).resolves.toBeUndefined();
    await watcher.whenIdle();
    await watcher.check([caller.accountId]);
    await watcher.whenIdle();
    expect(received).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('HTTP 500');
    expect(String(errors[0])).not.toContain(receiverUrl);
  });

  it('does nothing without a webhook URL, and ignores unknown accounts', async () => {
    await charge('6');
    const silent = new LowBalanceNotifier({ store: lowBalance, webhookUrl: null, defaultThreshold: usdToUnits(5) });
    await silent.check([caller.accountId]);
    await silent.whenIdle();
    const watcher = notifier();
    await watcher.check(['acct_unknown']);
    await watcher.whenIdle();
    expect(received).toHaveLength(0);
    expect(errors).toEqual([]);
  });
});
