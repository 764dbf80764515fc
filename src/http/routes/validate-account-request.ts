import type { z } from 'zod';
import { GatewayError } from '../../core/index.js';
import { validationIssueToGatewayError } from '../../dialects/openai-chat/validation-issue-to-gateway-error.js';

/** Validates a JSON body of the account endpoints; a bad one becomes `invalid_request` naming the field. */
export function validateRequestBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.', { param: null });
  }
  return validate(schema, body);
}

/** Validates a query string, naming the parameter at fault. */
export function validateRequestQuery<Schema extends z.ZodType>(schema: Schema, query: unknown): z.output<Schema> {
  return validate(schema, query ?? {});
}

function validate<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  if (first?.code === 'unrecognized_keys') {
    const name = [...first.path, first.keys[0]].join('.');
    throw new GatewayError('invalid_request', `Unknown parameter: '${name}'.`, { param: name });
  }
  throw validationIssueToGatewayError(result.error.issues, input);
}
