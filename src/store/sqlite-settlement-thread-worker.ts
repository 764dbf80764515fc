/** The worker side of `sqlite-settlement-thread.ts`: one connection, one batch at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { KyselyLedgerStore } from './kysely-ledger-store.js';
import { openSqliteDatabase } from './open-store.js';
import type { SettlementThreadReply, SettlementThreadRequest } from './sqlite-settlement-thread.js';

const { filename } = workerData as { filename: string };
const ledger = new KyselyLedgerStore(openSqliteDatabase(filename));
let tail: Promise<unknown> = Promise.resolve();

parentPort!.on('message', (request: SettlementThreadRequest) => {
  tail = tail.then(async () => {
    let reply: SettlementThreadReply;
    try {
      reply = { id: request.id, stored: await ledger.settle(request.batch) };
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      reply = { id: request.id, error: { message: failure.message, name: failure.name } };
    }
    parentPort!.postMessage(reply);
  });
});
