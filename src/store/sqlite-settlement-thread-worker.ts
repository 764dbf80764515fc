/** The worker side of `sqlite-settlement-thread.ts`: one connection, one batch at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeSettlementLine } from '../metering/settlement-line.js';
import { KyselyLedgerStore } from './kysely-ledger-store.js';
import type { LedgerRecord } from './ledger-store.js';
import { openSqliteDatabase } from './open-store.js';
import type { SettlementThreadReply, SettlementThreadRequest } from './sqlite-settlement-thread.js';

const { filename } = workerData as { filename: string };
const ledger = new KyselyLedgerStore(openSqliteDatabase(filename));
let tail: Promise<unknown> = Promise.resolve();

parentPort!.on('message', (request: SettlementThreadRequest) => {
  tail = tail.then(async () => {
    let reply: SettlementThreadReply;
    try {
      const batch = 'lines' in request ? decodeLines(request.lines) : request.batch;
      reply = batch === null ? { id: request.id, undecodableLines: true } : { id: request.id, stored: await ledger.settle(batch) };
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      reply = { id: request.id, error: { message: failure.message, name: failure.name } };
    }
    parentPort!.postMessage(reply);
  });
});

function decodeLines(lines: readonly string[]): LedgerRecord[] | null {
  try {
    return lines.map((line) => decodeSettlementLine(line));
  } catch {
    return null;
  }
}
