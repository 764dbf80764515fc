/** A bare Fastify app with the auth and admin-account routes over a real store, as the gateway wires them. */
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { ApiKeyAuthenticator } from '../../src/accounts/api-key-authenticator.js';
import { generateApiKey } from '../../src/accounts/api-key-format.js';
import { LoginThrottle } from '../../src/accounts/login-throttle.js';
import { hashPassword } from '../../src/accounts/password-hash.js';
import { SESSION_COOKIE_NAME } from '../../src/accounts/session-cookie.js';
import { SessionManager } from '../../src/accounts/session-manager.js';
import { GatewayError } from '../../src/core/index.js';
import { sendError } from '../../src/http/error-reply.js';
import { PrincipalResolver } from '../../src/http/principal.js';
import { registerAdminAccountRoutes } from '../../src/http/routes/admin-account-routes.js';
import { registerAuthRoutes } from '../../src/http/routes/auth-routes.js';
import { KyselyAccountAdminStore } from '../../src/store/kysely-account-admin-store.js';
import { KyselySessionStore } from '../../src/store/kysely-session-store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import type { AccountRole } from '../../src/store/store.js';
import { newAccount } from '../store/store-fixtures.js';

export interface AccountTestServer {
  app: FastifyInstance;
  store: KyselyStore;
  sessions: SessionManager;
  authenticator: ApiKeyAuthenticator;
  signup: { open: boolean };
  /** Creates an account with a password directly in the store. */
  createAccount(options: { email: string; password: string; role?: AccountRole }): Promise<string>;
  /** Creates an API key of the account; returns the key itself. */
  createKey(accountId: string): Promise<string>;
  close(): Promise<void>;
}

const silentLogger = { error: () => undefined };

export async function startAccountTestServer(
  store: KyselyStore,
  options: { throttle?: LoginThrottle; pendingCharges?: (accountId: string) => bigint } = {},
): Promise<AccountTestServer> {
  const authenticator = new ApiKeyAuthenticator(store);
  const sessions = new SessionManager(new KyselySessionStore(store.database), store);
  const principals = new PrincipalResolver(authenticator, sessions);
  const accountAdmin = new KyselyAccountAdminStore(store.database);
  const signup = { open: true };

  const app = Fastify({ logger: false });
  // As the gateway does: every body is JSON whatever its content type says.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new GatewayError('invalid_request', 'The request body is not valid JSON.'), undefined);
    }
  });
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error, silentLogger));
  registerAuthRoutes(app, {
    principals,
    sessions,
    accounts: store,
    accountAdmin,
    signupOpen: () => signup.open,
    ...(options.throttle ? { loginThrottle: options.throttle } : {}),
    ...(options.pendingCharges ? { pendingCharges: options.pendingCharges } : {}),
  });
  registerAdminAccountRoutes(app, { principals, accounts: store, accountAdmin, sessions, apiKeyCache: authenticator });
  await app.ready();

  return {
    app,
    store,
    sessions,
    authenticator,
    signup,
    async createAccount({ email, password, role = 'user' }) {
      const account = await store.createAccount(newAccount({ email, passwordHash: await hashPassword(password), role }));
      return account.id;
    },
    async createKey(accountId) {
      const material = generateApiKey();
      await store.createApiKey({
        id: `key_${material.hash.slice(0, 16)}`,
        accountId,
        name: 'test',
        prefix: material.prefix,
        hash: material.hash,
        models: [],
        budget: null,
        rpm: null,
        tpm: null,
        expiresAt: null,
        createdAt: Date.now(),
      });
      return material.key;
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** The Set-Cookie values of a response, as a list. */
export function setCookies(response: LightMyRequestResponse): string[] {
  const header = response.headers['set-cookie'];
  if (header === undefined) return [];
  return Array.isArray(header) ? header : [String(header)];
}

/** The `Cookie` request header that sends back the session cookie a response set. */
export function sessionCookieHeader(response: LightMyRequestResponse): string {
  const cookie = setCookies(response).find((value) => value.startsWith(`${SESSION_COOKIE_NAME}=`));
  if (!cookie) throw new Error(`no session cookie in the response (status ${response.statusCode})`);
  return cookie.split(';')[0]!;
}
