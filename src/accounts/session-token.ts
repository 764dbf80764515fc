import { createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 32;
/** 32 random bytes in base64url: 43 characters from the URL-safe alphabet, no padding. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A new session token: 256 random bits, safe to put in a cookie as is. */
export function generateSessionToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

export function looksLikeSessionToken(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

/** The stored id of a session: hex SHA-256 of its token. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
