/** Validation of request bodies and query strings: a bad field becomes `invalid_request` naming it. */
import { z } from 'zod';
import { GatewayError } from '../../core/index.js';
import { validationIssueToGatewayError } from '../../dialects/openai-chat/validation-issue-to-gateway-error.js';
import { usdToUnits } from '../../metering/money.js';

export function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.', { param: null });
  }
  return parseInput(schema, body);
}

export function parseQuery<Schema extends z.ZodType>(schema: Schema, query: unknown): z.output<Schema> {
  return parseInput(schema, query ?? {});
}

function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  if (first?.code === 'unrecognized_keys') {
    const name = [...first.path, first.keys[0]].join('.');
    throw new GatewayError('invalid_request', `Unknown parameter: '${name}'.`, { param: name });
  }
  throw validationIssueToGatewayError(result.error.issues, input);
}

/** USD as a JSON number or a decimal string, read exactly into units of 10^-12 USD. */
export const usdAmountSchema = z.union([z.number(), z.string()]).transform((value, context) => {
  try {
    return usdToUnits(value);
  } catch {
    context.addIssue({ code: 'custom', message: 'must be a USD amount (a number or a decimal string, at most 12 decimals)' });
    return z.NEVER;
  }
});

/** An ISO-8601 time, read as ms since the epoch. */
export const isoTimeSchema = z.string().transform((value, context) => {
  const time = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) {
    context.addIssue({ code: 'custom', message: 'must be an ISO-8601 time such as 2025-01-31T00:00:00Z' });
    return z.NEVER;
  }
  return time;
});

export const pagingQuery = {
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

/** The id in a path, or `not_found` naming what is missing. */
export function notFound(what: string, id: string): GatewayError {
  return new GatewayError('not_found', `No ${what} with id '${id}'.`, { param: 'id' });
}
