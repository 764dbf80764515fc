/** The result of expanding `${VAR}` references in one string. */
export type ExpansionResult =
  | { ok: true; value: string; changed: boolean }
  | { ok: false; error: string };

const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Expands `${VAR}` and `${VAR:-default}` anywhere in `text` from `env`. `$${` stands for a
 * literal `${`. A variable that is unset (or empty, with `:-`) takes the default; an unset one
 * without a default is an error naming it.
 */
export function expandEnvironmentVariables(text: string, env: NodeJS.ProcessEnv): ExpansionResult {
  let output = '';
  let position = 0;
  let changed = false;
  while (position < text.length) {
    const start = text.indexOf('$', position);
    if (start === -1) break;
    if (text.startsWith('$${', start)) {
      output += text.slice(position, start) + '${';
      position = start + 3;
      changed = true;
      continue;
    }
    if (!text.startsWith('${', start)) {
      output += text.slice(position, start + 1);
      position = start + 1;
      continue;
    }
    const end = text.indexOf('}', start + 2);
    if (end === -1) {
      return { ok: false, error: `unterminated variable reference "${text.slice(start)}" (missing "}")` };
    }
    const reference = text.slice(start + 2, end);
    const separator = reference.indexOf(':-');
    const name = separator === -1 ? reference : reference.slice(0, separator);
    if (!variableName.test(name)) {
      return { ok: false, error: `invalid variable reference "\${${reference}}"` };
    }
    const value = env[name];
    let replacement: string;
    if (separator !== -1) {
      replacement = value === undefined || value === '' ? reference.slice(separator + 2) : value;
    } else if (value === undefined) {
      return { ok: false, error: `environment variable ${name} is not set` };
    } else {
      replacement = value;
    }
    output += text.slice(position, start) + replacement;
    position = end + 1;
    changed = true;
  }
  output += text.slice(position);
  return { ok: true, value: output, changed };
}
