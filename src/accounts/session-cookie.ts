import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { looksLikeSessionToken } from './session-token.js';

export const SESSION_COOKIE_NAME = 'switchyard_session';

/**
 * The session token from a Cookie header, or null. Browsers may send the same name twice (from
 * different paths); the first value shaped like a token is taken, anything else is ignored.
 */
export function sessionTokenFromHeaders(headers: IncomingHttpHeaders): string | null {
  const header = headers.cookie;
  if (!header) return null;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0) continue;
    if (pair.slice(0, separator).trim() !== SESSION_COOKIE_NAME) continue;
    let value = pair.slice(separator + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (looksLikeSessionToken(value)) return value;
  }
  return null;
}

/** True when the client reached us over https: directly over TLS, or through a proxy that says so. */
export function isSecureRequest(headers: IncomingHttpHeaders, socket: Socket): boolean {
  if ((socket as Partial<TLSSocket>).encrypted === true) return true;
  const forwarded = headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

/** The Set-Cookie value that stores a session token for `maxAgeSeconds`. */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return cookieText(token, Math.max(0, Math.floor(maxAgeSeconds)), secure);
}

/** The Set-Cookie value that makes the browser drop the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return cookieText('', 0, secure);
}

function cookieText(value: string, maxAgeSeconds: number, secure: boolean): string {
  const attributes = [`${SESSION_COOKIE_NAME}=${value}`, 'Path=/', `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax'];
  if (secure) attributes.push('Secure');
  return attributes.join('; ');
}
