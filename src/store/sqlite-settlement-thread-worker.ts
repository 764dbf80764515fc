/** The worker side of `sqlite-settlement-thread.ts`: one connection, one batch or read at a time, in order. */
import { parentPort, workerData } from 'node:worker_threads';
import { splitJournalLines } from '../metering/journal-line-bytes.js';
import { decodeSettlementLine } from '../metering/settlement-line.js';
import { KyselyLedgerStore } from './kysely-ledger-store.js';
import type { LedgerRecord } from './ledger-store.js';
import { openSqliteDatabase } from './open-store.js';
import { packBalances, packKeySpending } from './snapshot-read-packing.js';
import type { SettlementThreadReply, SettlementThreadRequest } from './sqlite-settlement-thread.js';

const { filename } = workerData as { filename: string };
const ledger = new KyselyLedgerStore(openSqliteDatabase(filename));
let tail: Promise<unknown> = Promise.resolve();

parentPort!.on('message', (request: SettlementThreadRequest) => {
  tail = tail.then(async () => {
    let reply: SettlementThreadReply;
    try {
      reply = await answer(request);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      reply = { id: request.id, error: { message: failure.message, name: failure.name } };
    }
    parentPort!.postMessage(reply, transferablesOf(reply));
  });
});

async function answer(request: SettlementThreadRequest): Promise<SettlementThreadReply> {
  if ('read' in request) {
    return request.read === 'balances'
      ? { id: request.id, balances: packBalances(request.ids, await ledger.readBalances(request.ids)) }
      : { id: request.id, spending: packKeySpending(request.ids, await ledger.readKeySpending(request.ids)) };
  }
  const batch = 'journalLines' in request ? decodeJournalLines(request.journalLines, request.count) : request.batch;
  return batch === null ? { id: request.id, undecodableLines: true } : { id: request.id, stored: await ledger.settle(batch) };
}

/** A packed read's arrays move to the main thread instead of being copied. */
function transferablesOf(reply: SettlementThreadReply): ArrayBuffer[] {
  const packed = 'balances' in reply ? reply.balances : 'spending' in reply ? reply.spending : null;
  if (packed === null) return [];
  return [packed.values.buffer as ArrayBuffer, packed.present.buffer as ArrayBuffer];
}

/** The records of `count` journal lines, or null when they are not exactly that many decodable lines. */
function decodeJournalLines(bytes: Uint8Array, count: number): LedgerRecord[] | null {
  const lines = splitJournalLines(bytes);
  if (lines === null || lines.length !== count) return null;
  try {
    return lines.map((line) => decodeSettlementLine(line));
  } catch {
    return null;
  }
}
