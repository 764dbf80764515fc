/**
 * Normalises what the drivers return: PostgreSQL gives int8 and numeric as strings and int4 as
 * numbers; SQLite with safe integers gives every INTEGER as a bigint.
 */

export function toBigInt(value: bigint | number | string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not an exact integer: ${value}`);
    return BigInt(value);
  }
  return BigInt(value);
}

export function toNullableBigInt(value: bigint | number | string | null): bigint | null {
  return value === null ? null : toBigInt(value);
}

/** For counts, token numbers and times, which stay far below 2^53. */
export function toNumber(value: bigint | number | string): number {
  const result = Number(value);
  if (!Number.isSafeInteger(result)) throw new RangeError(`not a safe integer: ${String(value)}`);
  return result;
}

export function toNullableNumber(value: bigint | number | string | null): number | null {
  return value === null ? null : toNumber(value);
}

export function toFlag(value: bigint | number | string | boolean): boolean {
  if (typeof value === 'boolean') return value;
  return toNumber(value) !== 0;
}

export function fromFlag(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

export function parseStringArray(json: string): string[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((item): item is string => typeof item === 'string')) {
    throw new TypeError('stored value is not a JSON array of strings');
  }
  return parsed;
}
