/** Bodies of the key management endpoints, and how a key is shown (never its hash). */
import { z } from 'zod';
import { GatewayError } from '../../core/index.js';
import { validationIssueToGatewayError } from '../../dialects/openai-chat/validation-issue-to-gateway-error.js';
import { isModelAllowlistEntry } from '../../accounts/model-allowlist.js';
import { parseIpRange } from '../../accounts/ip-allowlist.js';
import { unitsToUsdNumber, usdToUnits } from '../../metering/money.js';
import type { ApiKeyRecord } from '../../store/store.js';

const MAX_LIST_ENTRIES = 200;
const MAX_LIMIT = 1_000_000_000;

const nameSchema = z.string().trim().min(1).max(100);
const modelsSchema = z
  .array(z.string().refine(isModelAllowlistEntry, 'must be a model id or a pattern with * and no spaces'))
  .max(MAX_LIST_ENTRIES)
  .transform((entries) => [...new Set(entries.map((entry) => entry.trim()))]);
const ipAllowlistSchema = z
  .array(z.string().refine((entry) => parseIpRange(entry) !== null, 'must be an IPv4 or IPv6 address or CIDR range'))
  .max(MAX_LIST_ENTRIES)
  .transform((entries) => [...new Set(entries.map((entry) => entry.trim()))]);
const limitSchema = z.number().int().min(1).max(MAX_LIMIT).nullable();
const budgetSchema = z
  .union([z.number(), z.string()])
  .transform((value, context) => {
    try {
      const units = usdToUnits(value);
      if (units >= 0n) return units;
    } catch {
      // Reported below like any other bad amount.
    }
    context.addIssue({ code: 'custom', message: 'must be a USD amount of at least 0, as a number or decimal string' });
    return z.NEVER;
  })
  .nullable();
const budgetPeriodSchema = z.enum(['total', 'day', 'week', 'month']);
const expiresAtSchema = z
  .string()
  .transform((value, context) => {
    const time = Date.parse(value);
    if (!Number.isNaN(time)) return time;
    context.addIssue({ code: 'custom', message: 'must be an ISO-8601 time' });
    return z.NEVER;
  })
  .nullable();

export const createKeyBody = z.strictObject({
  name: nameSchema,
  models: modelsSchema.optional(),
  ip_allowlist: ipAllowlistSchema.optional(),
  budget: budgetSchema.optional(),
  budget_period: budgetPeriodSchema.optional(),
  rpm: limitSchema.optional(),
  tpm: limitSchema.optional(),
  expires_at: expiresAtSchema.optional(),
});

export const updateKeyBody = z.strictObject({
  name: nameSchema.optional(),
  models: modelsSchema.optional(),
  ip_allowlist: ipAllowlistSchema.optional(),
  rpm: limitSchema.optional(),
  tpm: limitSchema.optional(),
  expires_at: expiresAtSchema.optional(),
});

export const accountRateLimitsBody = z.strictObject({
  rpm: limitSchema,
  tpm: limitSchema,
});

/** Validates a JSON body; a bad one becomes 400 `invalid_request` naming the field. */
export function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.', { param: null });
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  if (first?.code === 'unrecognized_keys') {
    const name = [...first.path, first.keys[0]].join('.');
    throw new GatewayError('invalid_request', `Unknown parameter: '${name}'.`, { param: name });
  }
  throw validationIssueToGatewayError(result.error.issues, body);
}

/** A key as its owner (or an administrator) sees it: everything but the hash. */
export function encodeKey(key: ApiKeyRecord) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    models: key.models,
    ip_allowlist: key.ipAllowlist ?? [],
    budget: key.budget === null ? null : unitsToUsdNumber(key.budget),
    budget_period: key.budgetPeriod ?? 'total',
    spent: unitsToUsdNumber(key.spent),
    rpm: key.rpm,
    tpm: key.tpm,
    expires_at: isoOrNull(key.expiresAt),
    revoked_at: isoOrNull(key.revokedAt),
    created_at: new Date(key.createdAt).toISOString(),
  };
}

function isoOrNull(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}
