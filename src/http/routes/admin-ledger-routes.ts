/**
 * The ledger for administrators: the proof of its invariant (every balance equals the sum of its
 * entries; how many holds are open), and the trace of one request from its ledger entries to its
 * generation record and its upstream attempts.
 */
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/index.js';
import { unitsToUsdNumber, unitsToUsdString } from '../../metering/money.js';
import type { AttemptRecord, LedgerStore } from '../../store/ledger-store.js';
import type { GenerationRecord } from '../../store/store.js';
import type { PrincipalResolver } from '../principal.js';
import { encodeGeneration } from './encode-generation-record.js';
import { encodeLedgerEntry } from './encode-ledger-entry.js';

export interface AdminLedgerRouteDependencies {
  principals: Pick<PrincipalResolver, 'requireAdmin'>;
  ledger: Pick<LedgerStore, 'verify' | 'listEntriesOfGeneration' | 'listAttempts'>;
  findGeneration(id: string): Promise<GenerationRecord | null>;
  /** Stores what the gateway has recorded so far, so a request just made can be traced. */
  flush(): Promise<void>;
}

export function registerAdminLedgerRoutes(app: FastifyInstance, deps: AdminLedgerRouteDependencies): void {
  app.get('/api/admin/ledger/verify', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    const result = await deps.ledger.verify();
    return {
      ok: result.discrepancies.length === 0,
      discrepancies: result.discrepancies.map((item) => ({
        account_id: item.accountId,
        email: item.email,
        balance: unitsToUsdNumber(item.balance),
        ledger_sum: unitsToUsdNumber(item.ledgerSum),
        // Exact, as a decimal string: a difference may be far below what a JSON number shows.
        difference: unitsToUsdString(item.balance - item.ledgerSum),
      })),
      open_holds: result.openHolds,
    };
  });

  app.get('/api/admin/ledger/trace/:id', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    const { id } = request.params as { id: string };
    await deps.flush();
    const [generation, entries, attempts] = await Promise.all([
      deps.findGeneration(id),
      deps.ledger.listEntriesOfGeneration(id),
      deps.ledger.listAttempts(id),
    ]);
    if (!generation && entries.length === 0) {
      throw new GatewayError('not_found', `No generation with id '${id}'.`, { param: 'id' });
    }
    return {
      generation: generation ? encodeGeneration(generation) : null,
      ledger_entries: entries.map((entry) => encodeLedgerEntry(entry, true)),
      attempts: attempts.map(encodeAttempt),
    };
  });
}

function encodeAttempt(attempt: AttemptRecord) {
  return {
    attempt: attempt.attempt,
    channel: attempt.channel,
    provider: attempt.provider,
    model: attempt.model,
    status: attempt.status,
    upstream_status: attempt.upstreamStatus,
    error_code: attempt.errorCode,
    error_message: attempt.errorMessage,
    latency_ms: attempt.latencyMs,
    started_at: new Date(attempt.startedAt).toISOString(),
  };
}
