/** Settlements and a counting in-memory store for the metering tests. */
import type { GenerationRecord, Settlement } from '../../src/store/store.js';
import { isOpenedHold, type LedgerRecord } from '../../src/store/ledger-store.js';

/** The generation id of a settlement, or the generation a hold was taken for. */
export function generationIdOf(record: LedgerRecord): string {
  return isOpenedHold(record) ? record.hold.generationId : record.generation.id;
}

export function makeGeneration(id: string, overrides: Partial<GenerationRecord> = {}): GenerationRecord {
  return {
    id,
    accountId: 'account-1',
    keyId: 'key-1',
    model: 'gpt-4o-mini',
    provider: 'openai',
    channel: 'openai-main',
    endpoint: '/v1/chat/completions',
    status: 'success',
    httpStatus: 200,
    errorCode: null,
    stream: true,
    promptTokens: 120,
    completionTokens: 30,
    cachedTokens: 64,
    cacheWriteTokens: 0,
    reasoningTokens: 10,
    usageEstimated: false,
    cost: 1_000n,
    latencyMs: 850,
    ttftMs: 210,
    attempts: 1,
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function makeSettlement(id: string, charge = 1_000n, overrides: Partial<GenerationRecord> = {}): Settlement {
  return { generation: makeGeneration(id, { cost: charge, ...overrides }), charge };
}

/**
 * Implements `settle` like the real store (idempotent by generation id) and counts everything:
 * calls, batch sizes, and settlements offered again after they were stored.
 */
export class CountingStore {
  readonly stored = new Map<string, Settlement>();
  readonly batchSizes: number[] = [];
  readonly charged = new Map<string, bigint>();
  duplicatesOffered = 0;
  /** Called before each batch is applied; throwing or returning a rejected promise fails the call. */
  beforeSettle: ((batch: Settlement[]) => void | Promise<void>) | null = null;

  async settle(records: LedgerRecord[]): Promise<number> {
    const batch = records.filter((record): record is Settlement => !isOpenedHold(record));
    this.batchSizes.push(records.length);
    if (this.beforeSettle) await this.beforeSettle(batch);
    let added = 0;
    for (const settlement of batch) {
      if (this.stored.has(settlement.generation.id)) {
        this.duplicatesOffered += 1;
        continue;
      }
      this.stored.set(settlement.generation.id, settlement);
      const account = settlement.generation.accountId;
      this.charged.set(account, (this.charged.get(account) ?? 0n) + settlement.charge);
      added += 1;
    }
    return added;
  }

  get calls(): number {
    return this.batchSizes.length;
  }
}
