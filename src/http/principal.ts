import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../core/index.js';
import type { ApiKeyAuthenticator } from '../accounts/api-key-authenticator.js';
import type { AccountRecord, ApiKeyRecord } from '../store/store.js';
import { apiKeyFromHeaders } from './api-key-from-headers.js';

/** Who is calling an account or admin endpoint: an API key's owner, or a logged-in person. */
export interface Principal {
  account: AccountRecord;
  /** The key used, when the call came with one. */
  key: ApiKeyRecord | null;
  via: 'api_key' | 'session';
}

/** Finds the account of a session cookie; implemented by the sessions module. */
export interface SessionLookup {
  /** The live session's account from the request's cookies, or null when there is none. */
  accountFromHeaders(headers: IncomingHttpHeaders): Promise<AccountRecord | null>;
}

/**
 * Resolves the principal of `/api/*` calls: an API key when one is sent (and then it must be
 * valid), else a session cookie. Model endpoints (`/v1/*`) take API keys only and do not use this.
 */
export class PrincipalResolver {
  constructor(
    private readonly keys: ApiKeyAuthenticator,
    private readonly sessions: SessionLookup | null,
  ) {}

  async resolve(headers: IncomingHttpHeaders): Promise<Principal> {
    const rawKey = apiKeyFromHeaders(headers);
    if (rawKey) {
      const caller = await this.keys.authenticate(rawKey);
      return { account: caller.account, key: caller.key, via: 'api_key' };
    }
    const account = this.sessions ? await this.sessions.accountFromHeaders(headers) : null;
    if (!account) throw new GatewayError('invalid_api_key', 'Log in, or send an API key as "Authorization: Bearer <key>".');
    if (account.disabled) throw new GatewayError('invalid_api_key', 'This account is disabled.');
    return { account, key: null, via: 'session' };
  }

  /** As `resolve`, and the account must be an administrator. */
  async requireAdmin(headers: IncomingHttpHeaders): Promise<Principal> {
    const principal = await this.resolve(headers);
    if (principal.account.role !== 'admin') {
      throw new GatewayError('permission_denied', 'This needs an administrator account.');
    }
    return principal;
  }
}
