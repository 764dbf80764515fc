/**
 * Redemption codes: admins create them in batches (each code shown once, in the answer that
 * creates it), list and disable them; any caller redeems one through `POST /api/redeem`.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../core/index.js';
import { newLedgerEntryId } from '../../store/ledger-entry-id.js';
import { generateRedemptionCode, hashRedemptionCode } from '../../accounts/redemption-code-format.js';
import { unitsToUsdNumber } from '../../metering/money.js';
import type { RedemptionCodeRecord, RedemptionCodeStore } from '../../store/redemption-code-store.js';
import type { PrincipalResolver } from '../principal.js';
import { isoTimeSchema, notFound, pagingQuery, parseBody, parseQuery, usdAmountSchema } from './parse-request-input.js';

export interface RedemptionCodeRoutesDependencies {
  principals: Pick<PrincipalResolver, 'resolve' | 'requireAdmin'>;
  codes: RedemptionCodeStore;
  /** Charges recorded but not stored yet (`SettlementSink.pendingCharges`), so the balance shown includes them. */
  pendingCharges?: (accountId: string) => bigint;
  /** After a redemption credited an account: drop it from caches, re-check its low-balance alert. */
  onCredited?: (accountId: string) => void;
  now?: () => number;
}

export const MAX_CODES_PER_BATCH = 1000;

/** Unknown, used and disabled codes all get this answer, so nobody can tell which codes exist. */
const UNAVAILABLE_MESSAGE = 'This code is not valid or has already been used.';

const createBody = z.strictObject({
  count: z.number().int().min(1).max(MAX_CODES_PER_BATCH),
  amount: usdAmountSchema.refine((units) => units > 0n, 'must be greater than 0'),
  expires_at: isoTimeSchema.nullish(),
  note: z.string().max(500).nullish(),
});

const listQuery = z.object({ ...pagingQuery, batch_id: z.string().min(1).optional() });

const redeemBody = z.strictObject({ code: z.string().min(1).max(100) });

export function registerRedemptionCodeRoutes(app: FastifyInstance, deps: RedemptionCodeRoutesDependencies): void {
  const now = deps.now ?? Date.now;

  app.post('/api/admin/codes', async (request, reply) => {
    await deps.principals.requireAdmin(request.headers);
    const body = parseBody(createBody, request.body);
    const createdAt = now();
    const expiresAt = body.expires_at ?? null;
    if (expiresAt !== null && expiresAt <= createdAt) {
      throw new GatewayError('invalid_request', "Invalid 'expires_at': must be in the future.", { param: 'expires_at' });
    }
    const batchId = `batch_${randomUUID().replaceAll('-', '')}`;
    const issued = Array.from({ length: body.count }, () => ({ id: `code_${randomUUID().replaceAll('-', '')}`, ...generateRedemptionCode() }));
    await deps.codes.createRedemptionCodes(
      issued.map((code) => ({
        id: code.id,
        prefix: code.prefix,
        hash: code.hash,
        amount: body.amount,
        note: body.note?.trim() || null,
        batchId,
        expiresAt,
        createdAt,
      })),
    );
    reply.code(201);
    return {
      batch_id: batchId,
      amount: unitsToUsdNumber(body.amount),
      expires_at: expiresAt === null ? null : new Date(expiresAt).toISOString(),
      codes: issued.map((code) => ({ id: code.id, code: code.code, prefix: code.prefix })),
    };
  });

  app.get('/api/admin/codes', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    const query = parseQuery(listQuery, request.query);
    const page = await deps.codes.listRedemptionCodes({
      limit: query.limit,
      offset: query.offset,
      ...(query.batch_id !== undefined ? { batchId: query.batch_id } : {}),
    });
    const at = now();
    return { data: page.codes.map((code) => encodeCode(code, at)), total: page.total, limit: query.limit, offset: query.offset };
  });

  app.post('/api/admin/codes/:id/disable', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    const { id } = request.params as { id: string };
    const code = await deps.codes.disableRedemptionCode(id);
    if (!code) throw notFound('code', id);
    return encodeCode(code, now());
  });

  app.post('/api/redeem', async (request) => {
    const { account } = await deps.principals.resolve(request.headers);
    const body = parseBody(redeemBody, request.body);
    const outcome = await deps.codes.redeemRedemptionCode(hashRedemptionCode(body.code), account.id, now(), newLedgerEntryId());
    if (outcome.status === 'expired') {
      throw new GatewayError('invalid_request', 'This code has expired.', { param: 'code' });
    }
    if (outcome.status === 'unavailable') {
      throw new GatewayError('invalid_request', UNAVAILABLE_MESSAGE, { param: 'code' });
    }
    deps.onCredited?.(account.id);
    return {
      added: unitsToUsdNumber(outcome.code.amount),
      balance: unitsToUsdNumber(outcome.balance - (deps.pendingCharges?.(account.id) ?? 0n)),
    };
  });
}

function codeStatus(code: RedemptionCodeRecord, at: number): 'redeemed' | 'disabled' | 'expired' | 'available' {
  if (code.redeemedAt !== null) return 'redeemed';
  if (code.disabled) return 'disabled';
  if (code.expiresAt !== null && code.expiresAt <= at) return 'expired';
  return 'available';
}

function encodeCode(code: RedemptionCodeRecord, at: number) {
  return {
    id: code.id,
    prefix: code.prefix,
    amount: unitsToUsdNumber(code.amount),
    note: code.note,
    batch_id: code.batchId,
    status: codeStatus(code, at),
    expires_at: code.expiresAt === null ? null : new Date(code.expiresAt).toISOString(),
    redeemed_by: code.redeemedBy,
    redeemed_at: code.redeemedAt === null ? null : new Date(code.redeemedAt).toISOString(),
    created_at: new Date(code.createdAt).toISOString(),
  };
}
