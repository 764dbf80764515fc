/** One problem found in a configuration source, located where possible. */
export interface ConfigProblem {
  /** File name (or other source name) the problem was found in. */
  source?: string;
  /** 1-based line and column in the source. */
  line?: number;
  column?: number;
  /** Key path such as `channels[0].priority`; empty for the whole document. */
  path?: string;
  message: string;
}

/** Renders a problem as `file:line:column: path: message`. */
export function formatConfigProblem(problem: ConfigProblem): string {
  let location = problem.source ?? '';
  if (problem.line !== undefined) {
    location += `:${problem.line}`;
    if (problem.column !== undefined) location += `:${problem.column}`;
  }
  const parts: string[] = [];
  if (location !== '') parts.push(location);
  if (problem.path) parts.push(problem.path);
  parts.push(problem.message);
  return parts.join(': ');
}

/** An invalid configuration; the message has one line per problem. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem[] | string) {
    const list = typeof problems === 'string' ? [{ message: problems }] : problems;
    super(list.map(formatConfigProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = list;
  }
}
