import type { z } from 'zod';
import { GatewayError } from '../../core/gateway-error.js';

type Issue = z.core.$ZodIssue;
type PathSegment = PropertyKey;

/** `['messages', 2, 'content']` → `messages[2].content`, the way OpenAI names a parameter. */
export function formatParamPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return Number.isInteger(value) ? 'an integer' : 'a decimal';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const expectedNames: Record<string, string> = {
  string: 'a string',
  array: 'an array',
  int: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  object: 'an object',
  record: 'an object',
};

function describeExpected(expected: string): string {
  return expectedNames[expected] ?? expected;
}

function quoteValue(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? String(value);
}

/**
 * A failed union reports one list of issues per branch. The branch whose first issue sits
 * deepest is the one the client most likely meant (for example an array of parts with one
 * bad part), so its issue is the one worth reporting.
 */
function deepestBranchIssue(branches: Issue[][]): Issue | undefined {
  let best: Issue | undefined;
  for (const branch of branches) {
    const first = branch[0];
    if (first === undefined) continue;
    if (best === undefined || first.path.length > best.path.length) best = first;
  }
  return best !== undefined && best.path.length > 0 ? best : undefined;
}

function describeIssue(issue: Issue, body: unknown, path: PathSegment[]): { message: string; path: PathSegment[] } {
  const param = formatParamPath(path);
  switch (issue.code) {
    case 'invalid_type': {
      const received = valueAt(body, path);
      if (received === undefined) return { message: `Missing required parameter: '${param}'.`, path };
      return {
        message: `Invalid type for '${param}': expected ${describeExpected(issue.expected)}, but got ${describeValue(received)} instead.`,
        path,
      };
    }
    case 'invalid_value':
      return {
        message: `Invalid value for '${param}': ${quoteValue(valueAt(body, path))}. Supported values are: ${issue.values.map(quoteValue).join(', ')}.`,
        path,
      };
    case 'invalid_union': {
      if ('options' in issue && Array.isArray(issue.options) && issue.errors.length === 0) {
        if (valueAt(body, path) === undefined) return { message: `Missing required parameter: '${param}'.`, path };
        return {
          message: `Invalid value for '${param}': ${quoteValue(valueAt(body, path))}. Supported values are: ${issue.options.map(quoteValue).join(', ')}.`,
          path,
        };
      }
      const nested = deepestBranchIssue(issue.errors);
      if (nested !== undefined) return describeIssue(nested, body, [...path, ...nested.path]);
      // A branch whose type matched but whose constraint failed (an empty string, say) says most.
      const constraint = issue.errors
        .map((branch) => branch[0])
        .find((first) => first !== undefined && first.code !== 'invalid_type' && first.code !== 'invalid_value');
      if (constraint !== undefined) return describeIssue(constraint, body, path);
      const alternatives = issue.errors
        .map((branch) => branch[0])
        .map((first) => {
          if (first?.code === 'invalid_type') return describeExpected(first.expected);
          if (first?.code === 'invalid_value') return first.values.map(quoteValue).join(', ');
          return undefined;
        })
        .filter((alternative): alternative is string => alternative !== undefined);
      const received = valueAt(body, path);
      if (received === undefined) return { message: `Missing required parameter: '${param}'.`, path };
      const unique = [...new Set(alternatives)];
      const wanted = unique.length > 0 ? `expected ${unique.join(' or ')}` : 'it matches none of the accepted forms';
      if (typeof received === 'string' || typeof received === 'number' || typeof received === 'boolean') {
        return { message: `Invalid value for '${param}': ${quoteValue(received)}; ${wanted}.`, path };
      }
      return { message: `Invalid type for '${param}': ${wanted}, but got ${describeValue(received)} instead.`, path };
    }
    case 'too_small':
      if (issue.origin === 'array') {
        return {
          message: `Invalid '${param}': expected an array with at least ${String(issue.minimum)} item(s), but got ${(valueAt(body, path) as unknown[]).length}.`,
          path,
        };
      }
      if (issue.origin === 'string') {
        return { message: `Invalid '${param}': must not be empty.`, path };
      }
      return {
        message: `Invalid '${param}': must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${String(issue.minimum)}.`,
        path,
      };
    case 'too_big':
      if (issue.origin === 'array') {
        return { message: `Invalid '${param}': expected an array with at most ${String(issue.maximum)} item(s).`, path };
      }
      return {
        message: `Invalid '${param}': must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}.`,
        path,
      };
    default:
      return { message: `Invalid '${param}': ${issue.message}.`, path };
  }
}

/** Turns the first validation issue into the gateway's `invalid_request` error, naming the field. */
export function validationIssueToGatewayError(issues: readonly Issue[], body: unknown): GatewayError {
  const first = issues[0];
  if (first === undefined) return new GatewayError('invalid_request', 'The request body is invalid.', { param: null });
  const described = describeIssue(first, body, [...first.path]);
  const param = formatParamPath(described.path);
  return new GatewayError('invalid_request', described.message, { param: param === '' ? null : param });
}
