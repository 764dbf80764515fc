import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  clearedSessionCookie,
  isSecureRequest,
  SESSION_COOKIE_NAME,
  sessionCookie,
  sessionTokenFromHeaders,
} from '../../src/accounts/session-cookie.js';
import { generateSessionToken, hashSessionToken, looksLikeSessionToken } from '../../src/accounts/session-token.js';

const plainSocket = {} as Socket;
const tlsSocket = { encrypted: true } as unknown as Socket;

describe('session tokens', () => {
  it('are 43 URL-safe characters, different each time, stored as a SHA-256 hex', () => {
    const first = generateSessionToken();
    const second = generateSessionToken();
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first).not.toBe(second);
    expect(looksLikeSessionToken(first)).toBe(true);
    expect(hashSessionToken(first)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionToken(first)).not.toContain(first);
    expect(hashSessionToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('reading the session cookie', () => {
  const token = generateSessionToken();

  it('finds it among other cookies, with or without spaces and quotes', () => {
    expect(sessionTokenFromHeaders({ cookie: `theme=dark; ${SESSION_COOKIE_NAME}=${token}; lang=kk` })).toBe(token);
    expect(sessionTokenFromHeaders({ cookie: `${SESSION_COOKIE_NAME}=${token}` })).toBe(token);
    expect(sessionTokenFromHeaders({ cookie: `a=1;${SESSION_COOKIE_NAME} = "${token}"` })).toBe(token);
  });

  it('ignores missing, empty, malformed and look-alike cookies', () => {
    expect(sessionTokenFromHeaders({})).toBeNull();
    expect(sessionTokenFromHeaders({ cookie: '' })).toBeNull();
    expect(sessionTokenFromHeaders({ cookie: `${SESSION_COOKIE_NAME}=` })).toBeNull();
    expect(sessionTokenFromHeaders({ cookie: `${SESSION_COOKIE_NAME}=short` })).toBeNull();
    expect(sessionTokenFromHeaders({ cookie: `${SESSION_COOKIE_NAME}=${token.slice(0, 42)}!` })).toBeNull();
    expect(sessionTokenFromHeaders({ cookie: `x${SESSION_COOKIE_NAME}=${token}` })).toBeNull();
    expect(sessionTokenFromHeaders({ cookie: `${SESSION_COOKIE_NAME}` })).toBeNull();
  });

  it('takes the first well-formed value when the name appears twice', () => {
    const other = generateSessionToken();
    expect(sessionTokenFromHeaders({ cookie: `${SESSION_COOKIE_NAME}=junk; ${SESSION_COOKIE_NAME}=${token}; ${SESSION_COOKIE_NAME}=${other}` })).toBe(token);
  });
});

describe('writing the session cookie', () => {
  it('is HttpOnly, SameSite=Lax, for the whole site, with the lifetime as Max-Age', () => {
    const text = sessionCookie('TOKEN', 2_592_000, false);
    expect(text.split('; ')).toEqual([`${SESSION_COOKIE_NAME}=TOKEN`, 'Path=/', 'Max-Age=2592000', 'HttpOnly', 'SameSite=Lax']);
  });

  it('is Secure only when asked', () => {
    expect(sessionCookie('TOKEN', 60, true).split('; ')).toContain('Secure');
    expect(sessionCookie('TOKEN', 60, false).split('; ')).not.toContain('Secure');
  });

  it('is cleared with an empty value and Max-Age=0', () => {
    expect(clearedSessionCookie(true).split('; ')).toEqual([
      `${SESSION_COOKIE_NAME}=`,
      'Path=/',
      'Max-Age=0',
      'HttpOnly',
      'SameSite=Lax',
      'Secure',
    ]);
  });
});

describe('detecting https', () => {
  it('trusts a TLS socket and a proxy’s x-forwarded-proto', () => {
    expect(isSecureRequest({}, tlsSocket)).toBe(true);
    expect(isSecureRequest({ 'x-forwarded-proto': 'https' }, plainSocket)).toBe(true);
    expect(isSecureRequest({ 'x-forwarded-proto': 'HTTPS, http' }, plainSocket)).toBe(true);
  });

  it('is false for plain http', () => {
    expect(isSecureRequest({}, plainSocket)).toBe(false);
    expect(isSecureRequest({ 'x-forwarded-proto': 'http' }, plainSocket)).toBe(false);
    expect(isSecureRequest({ 'x-forwarded-proto': 'http, https' }, plainSocket)).toBe(false);
  });
});
