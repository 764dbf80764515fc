/**
 * Redemption codes as people type them: `SY-` then five groups of four Crockford base32
 * characters (100 random bits), e.g. `SY-7K2M-Q9XD-4TZA-P0HC-3WRN`. Reading is forgiving: case,
 * spaces and dashes do not matter, and the letters I, L and O read as 1, 1 and 0.
 */
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_PREFIX = 'SY';
const GROUPS = 5;
const GROUP_LENGTH = 4;
/** `SY-` and the first group: enough to recognise a code in a list, far too little to guess it. */
const VISIBLE_LENGTH = CODE_PREFIX.length + 1 + GROUP_LENGTH;

export interface NewCodeMaterial {
  code: string;
  prefix: string;
  hash: string;
}

export function generateRedemptionCode(): NewCodeMaterial {
  const characters = GROUPS * GROUP_LENGTH;
  const bytes = randomBytes(characters);
  let body = '';
  // 256 is a multiple of 32, so taking each byte modulo 32 keeps every character equally likely.
  for (const byte of bytes) body += ALPHABET[byte % ALPHABET.length];
  const groups: string[] = [];
  for (let start = 0; start < characters; start += GROUP_LENGTH) groups.push(body.slice(start, start + GROUP_LENGTH));
  const code = `${CODE_PREFIX}-${groups.join('-')}`;
  return { code, prefix: code.slice(0, VISIBLE_LENGTH), hash: hashRedemptionCode(code) };
}

/** The canonical form hashed and compared: upper case, no separators, look-alike letters mapped. */
export function normalizeRedemptionCode(code: string): string {
  return code
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
}

export function hashRedemptionCode(code: string): string {
  return createHash('sha256').update(normalizeRedemptionCode(code)).digest('hex');
}
