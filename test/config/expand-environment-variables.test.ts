import { describe, expect, it } from 'vitest';
import { expandEnvironmentVariables } from '../../src/config/expand-environment-variables.js';

describe('expandEnvironmentVariables', () => {
  const env = { A: 'alpha', EMPTY: '' };

  it('leaves text without references untouched, including lone dollar signs', () => {
    expect(expandEnvironmentVariables('price $5, $$ and $A', env)).toEqual({ ok: true, value: 'price $5, $$ and $A', changed: false });
  });

  it('expands several references and applies :- defaults for unset or empty variables', () => {
    expect(expandEnvironmentVariables('${A}-${A}/${MISSING:-x}/${EMPTY:-y}/${EMPTY}', env)).toEqual({
      ok: true,
      value: 'alpha-alpha/x/y/',
      changed: true,
    });
  });

  it('allows an empty default and a default containing colons', () => {
    expect(expandEnvironmentVariables('${MISSING:-}|${MISSING:-http://h:1}', env)).toMatchObject({ value: '|http://h:1' });
  });

  it('names the missing variable', () => {
    expect(expandEnvironmentVariables('key ${NOPE}', env)).toEqual({ ok: false, error: 'environment variable NOPE is not set' });
  });
});
