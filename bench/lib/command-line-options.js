// Minimal `--name value` / `--flag` parsing for the bench scripts (no dependency needed).

/**
 * @param {string[]} argv arguments after the script name
 * @param {Record<string, 'flag' | 'number' | 'string'>} spec
 * @returns {Record<string, boolean | number | string | undefined>}
 */
export function parseOptions(argv, spec) {
  /** @type {Record<string, boolean | number | string | undefined>} */
  const options = {};
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (!argument.startsWith('--')) throw new Error(`unexpected argument: ${argument}`);
    const [name, inlineValue] = argument.slice(2).split('=', 2);
    const kind = spec[name];
    if (!kind) throw new Error(`unknown option --${name} (known: ${Object.keys(spec).map((key) => `--${key}`).join(', ')})`);
    if (kind === 'flag') {
      options[name] = true;
      continue;
    }
    const value = inlineValue ?? argv[(index += 1)];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    if (kind === 'number') {
      const number = Number(value);
      if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} must be a positive number, got ${value}`);
      options[name] = number;
    } else {
      options[name] = value;
    }
  }
  return options;
}

/** "1,32" -> [1, 32] */
export function parseNumberList(text, name) {
  const values = String(text)
    .split(',')
    .map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isInteger(value) || value <= 0)) throw new Error(`--${name}: expected positive integers like 1,32`);
  return values;
}
