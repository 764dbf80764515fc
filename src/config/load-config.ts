import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { allowedKeysByPathPattern, createConfigSchema, defaultConfig, type SwitchyardConfig } from './config-schema.js';
import { expandEnvironmentVariables } from './expand-environment-variables.js';

export interface LoadConfigOptions {
  /** Source of `${VAR}` values. */
  env: NodeJS.ProcessEnv;
  /** Provider ids a channel may name. */
  knownProviders: readonly string[];
}

export const DEFAULT_CONFIG_FILE_NAME = 'switchyard.yaml';

/**
 * The config file to read: `SWITCHYARD_CONFIG` when set (it need not exist yet; loading will
 * then fail), else `./switchyard.yaml` when present, else null (no file: defaults apply).
 */
export function resolveConfigPath(env: NodeJS.ProcessEnv, cwd: string): string | null {
  const explicit = env.SWITCHYARD_CONFIG;
  if (explicit !== undefined && explicit.trim() !== '') return path.resolve(cwd, explicit);
  const defaultPath = path.join(cwd, DEFAULT_CONFIG_FILE_NAME);
  return existsSync(defaultPath) ? defaultPath : null;
}

/** Reads and validates the file at `filePath`; a missing or unreadable file is a `ConfigError`. */
export function loadConfigFile(filePath: string, options: LoadConfigOptions): SwitchyardConfig {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError([{ source: filePath, message: `cannot read the config file: ${reason}` }]);
  }
  return parseConfigText(text, displayName(filePath), options);
}

/** Shows a path relative to the working directory when it lies inside it. */
function displayName(filePath: string): string {
  const relative = path.relative(process.cwd(), filePath);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : filePath;
}

/** Validates YAML text; every problem in the thrown `ConfigError` names `sourceName`, line and key path. */
export function parseConfigText(text: string, sourceName: string, options: LoadConfigOptions): SwitchyardConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const locate = (offset: number): { line: number; column: number } => {
    const position = lineCounter.linePos(offset);
    return { line: position.line, column: position.col };
  };

  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => ({
        source: sourceName,
        ...locate(error.pos[0]),
        message: `invalid YAML: ${firstLine(error.message)}`,
      })),
    );
  }
  if (document.contents === null) return defaultConfig();

  const expansionProblems = expandScalars(document, options.env).map(
    (problem): ConfigProblem => ({
      source: sourceName,
      ...locate(problem.offset),
      path: formatPath(problem.path),
      message: problem.message,
    }),
  );
  if (expansionProblems.length > 0) throw new ConfigError(expansionProblems);

  const raw: unknown = document.toJS({ maxAliasCount: 100 });
  if (raw === null || raw === undefined) return defaultConfig();
  if (!isMap(document.contents)) {
    throw new ConfigError([
      { source: sourceName, ...locate(document.contents.range?.[0] ?? 0), message: 'expected a mapping of settings at the top level' },
    ]);
  }

  const result = createConfigSchema(options.knownProviders).safeParse(raw);
  if (result.success) return result.data;

  const problems = result.error.issues.flatMap((issue) => describeIssue(issue, document, raw, locate, sourceName));
  problems.sort((left, right) => (left.line ?? 0) - (right.line ?? 0) || (left.column ?? 0) - (right.column ?? 0));
  throw new ConfigError(problems);
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? message;
}

interface ExpansionProblem {
  offset: number;
  path: PropertyKey[];
  message: string;
}

/** Expands `${VAR}` in every string value (never in keys) of the document, in place. */
function expandScalars(document: Document, env: NodeJS.ProcessEnv): ExpansionProblem[] {
  const problems: ExpansionProblem[] = [];
  const visit = (node: unknown, keyPath: PropertyKey[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) visit(pair.value, [...keyPath, keyOf(pair.key)]);
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, [...keyPath, index]));
    } else if (isScalar(node) && typeof node.value === 'string') {
      const result = expandEnvironmentVariables(node.value, env);
      if (!result.ok) {
        problems.push({ offset: node.range?.[0] ?? 0, path: keyPath, message: result.error });
      } else if (result.changed) {
        node.value = result.value;
      }
    }
  };
  visit(document.contents, []);
  return problems;
}

function keyOf(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** `channels[0].model_map.gpt-4o`; keys that would read ambiguously are quoted. */
export function formatPath(keyPath: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of keyPath) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(String(segment))) text += text === '' ? String(segment) : `.${String(segment)}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}

function pathPattern(keyPath: readonly PropertyKey[]): string {
  return formatPath(keyPath.map((segment) => (typeof segment === 'number' ? -1 : segment))).replace(/\[-1\]/g, '[]');
}

/** The deepest YAML node along `keyPath` (the node itself when it exists). */
function deepestNode(document: Document, keyPath: readonly PropertyKey[]): { node: Node | null; found: boolean } {
  let current: unknown = document.contents;
  for (const segment of keyPath) {
    let next: unknown;
    if (isMap(current)) {
      next = current.items.find((pair) => isPair(pair) && keyOf(pair.key) === String(segment))?.value;
    } else if (isSeq(current) && typeof segment === 'number') {
      next = current.items[segment];
    }
    if (next === undefined || next === null) return { node: current as Node, found: false };
    current = next;
  }
  return { node: current as Node, found: true };
}

function keyNodeOffset(document: Document, mapPath: readonly PropertyKey[], key: string): number | undefined {
  const { node, found } = deepestNode(document, mapPath);
  if (!found || !isMap(node)) return undefined;
  const pair = node.items.find((item) => keyOf(item.key) === key);
  return isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
}

function valueAt(root: unknown, keyPath: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of keyPath) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

const expectedNames: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row++) {
    const current = [row];
    for (let column = 1; column <= right.length; column++) {
      const substitution = (previous[column - 1] ?? 0) + (left[row - 1] === right[column - 1] ? 0 : 1);
      current.push(Math.min((previous[column] ?? 0) + 1, (current[column - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[right.length] ?? 0;
}

/** The allowed key a typo most likely meant, if one is close enough. */
function closestKey(key: string, allowed: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(candidate, key);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  document: Document,
  raw: unknown,
  locate: (offset: number) => { line: number; column: number },
  sourceName: string,
): ConfigProblem[] {
  const keyPath = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysByPathPattern[pathPattern(keyPath)] ?? [];
    return issue.keys.map((key) => {
      const offset = keyNodeOffset(document, keyPath, key) ?? deepestNode(document, keyPath).node?.range?.[0] ?? 0;
      const suggestion = closestKey(key, allowed);
      const hint = suggestion ? `did you mean "${suggestion}"?` : `expected one of: ${allowed.join(', ')}`;
      return { source: sourceName, ...locate(offset), path: formatPath([...keyPath, key]), message: `unknown key (${hint})` };
    });
  }

  const { node, found } = deepestNode(document, keyPath);
  let offset = node?.range?.[0] ?? 0;
  const value = valueAt(raw, keyPath);
  let message = issue.message;
  if (issue.code === 'invalid_type') {
    const expected = expectedNames[issue.expected] ?? issue.expected;
    message = !found || value === undefined ? `required (expected ${expected})` : `expected ${expected}, got ${describeValue(value)}`;
  } else if (issue.code === 'invalid_union' && issue.path.at(-1) === 'body_limit') {
    message = `expected a size in bytes or such as "32mb" or "512kb", got ${describeValue(value)}`;
  } else if (issue.code === 'invalid_key') {
    message = issue.issues[0]?.message ?? message;
    const lastSegment = keyPath.at(-1);
    offset = keyNodeOffset(document, keyPath.slice(0, -1), String(lastSegment)) ?? offset;
  }
  return [{ source: sourceName, ...locate(offset), path: formatPath(keyPath), message }];
}
