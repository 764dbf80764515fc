import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../core/index.js';
import { emailSchema, givenPasswordSchema, newPasswordSchema } from '../../accounts/account-credentials.js';
import { LoginThrottle } from '../../accounts/login-throttle.js';
import { hashPassword, verifyPassword } from '../../accounts/password-hash.js';
import { clearedSessionCookie, isSecureRequest, sessionCookie } from '../../accounts/session-cookie.js';
import type { SessionManager } from '../../accounts/session-manager.js';
import { newAccountId } from '../../app/bootstrap-admin.js';
import type { AccountAdminStore } from '../../store/account-admin-store.js';
import { StoreConflictError } from '../../store/store-conflict-error.js';
import type { AccountRecord, Store } from '../../store/store.js';
import type { PrincipalResolver } from '../principal.js';
import { encodeAccount } from './encode-account-record.js';
import { parseBody } from './parse-request-input.js';

export interface AuthRoutesDependencies {
  principals: PrincipalResolver;
  sessions: Pick<SessionManager, 'start' | 'sessionFromHeaders' | 'endFromHeaders' | 'endAllOf'>;
  accounts: Pick<Store, 'createAccount' | 'findAccountById'>;
  accountAdmin: Pick<AccountAdminStore, 'findAccountByEmailIgnoringCase' | 'updateAccount'>;
  /** Whether anyone may sign up now (`auth.signup` of the live configuration). */
  signupOpen: () => boolean;
  /** Failed log-ins and password checks; one per process. A fresh one when not given. */
  loginThrottle?: LoginThrottle;
  /** Charges recorded but not yet in the store, subtracted from the balance shown. */
  pendingCharges?: (accountId: string) => bigint;
}

const signupBody = z.object({ email: emailSchema, password: newPasswordSchema });
const loginBody = z.object({ email: emailSchema, password: givenPasswordSchema });
const passwordChangeBody = z.object({ current_password: givenPasswordSchema, new_password: newPasswordSchema });

const WRONG_CREDENTIALS = 'Wrong email or password.';

/** Sign-up, log-in, log-out, password change and `GET /api/auth/me`. */
export function registerAuthRoutes(app: FastifyInstance, deps: AuthRoutesDependencies): void {
  const throttle = deps.loginThrottle ?? new LoginThrottle();
  const unusedPasswordHash = lazyUnusedPasswordHash();

  const startSession = async (request: FastifyRequest, reply: FastifyReply, account: AccountRecord) => {
    const started = await deps.sessions.start(account.id);
    reply.header('set-cookie', sessionCookie(started.token, started.maxAgeSeconds, isSecureRequest(request.headers, request.raw.socket)));
  };

  app.post('/api/auth/signup', async (request, reply) => {
    if (!deps.signupOpen()) {
      throw new GatewayError('permission_denied', 'Sign-up is closed: an administrator creates accounts.');
    }
    const { email, password } = parseBody(signupBody, request.body);
    if (await deps.accountAdmin.findAccountByEmailIgnoringCase(email)) throw emailTaken();
    let account: AccountRecord;
    try {
      account = await deps.accounts.createAccount({
        id: newAccountId(),
        email,
        passwordHash: await hashPassword(password),
        role: 'user',
        createdAt: Date.now(),
      });
    } catch (error) {
      if (error instanceof StoreConflictError) throw emailTaken();
      throw error;
    }
    await startSession(request, reply, account);
    return reply.code(201).send(encodeAccount(account));
  });

  app.post('/api/auth/login', async (request, reply) => {
    const { email, password } = parseBody(loginBody, request.body);
    const throttleKey = `login:${email}:${request.ip}`;
    refuseWhenThrottled(throttle, throttleKey);
    const account = await deps.accountAdmin.findAccountByEmailIgnoringCase(email);
    // Verify against a stand-in hash when there is no account, so both answers take as long.
    const stored = account?.passwordHash ?? (await unusedPasswordHash());
    const matches = await verifyPassword(password, stored);
    if (!account || account.passwordHash === null || !matches) {
      throttle.recordFailure(throttleKey);
      throw new GatewayError('invalid_api_key', WRONG_CREDENTIALS);
    }
    throttle.reset(throttleKey);
    if (account.disabled) throw new GatewayError('invalid_api_key', 'This account is disabled.');
    await startSession(request, reply, account);
    return reply.code(200).send(encodeAccount(account, balanceOf(deps, account)));
  });

  app.post('/api/auth/logout', async (request, reply) => {
    await deps.sessions.endFromHeaders(request.headers);
    return reply
      .code(204)
      .header('set-cookie', clearedSessionCookie(isSecureRequest(request.headers, request.raw.socket)))
      .send();
  });

  app.get('/api/auth/me', async (request) => {
    const principal = await deps.principals.resolve(request.headers);
    // Not the hot path: read the account afresh so role and balance are current.
    const account = (await deps.accounts.findAccountById(principal.account.id)) ?? principal.account;
    return encodeAccount(account, balanceOf(deps, account));
  });

  app.post('/api/auth/password', async (request, reply) => {
    const principal = await deps.principals.resolve(request.headers);
    const body = parseBody(passwordChangeBody, request.body);
    const throttleKey = `password:${principal.account.id}:${request.ip}`;
    refuseWhenThrottled(throttle, throttleKey);
    const account = (await deps.accounts.findAccountById(principal.account.id)) ?? principal.account;
    const stored = account.passwordHash ?? (await unusedPasswordHash());
    const matches = await verifyPassword(body.current_password, stored);
    if (account.passwordHash === null || !matches) {
      throttle.recordFailure(throttleKey);
      throw new GatewayError('invalid_request', 'The current password is wrong.', { param: 'current_password' });
    }
    throttle.reset(throttleKey);
    await deps.accountAdmin.updateAccount(account.id, { passwordHash: await hashPassword(body.new_password) });
    // The session making the change stays; every other one (another browser, a stolen cookie) ends.
    const current = await deps.sessions.sessionFromHeaders(request.headers);
    const except = current && current.account.id === account.id ? current.session.id : null;
    await deps.sessions.endAllOf(account.id, { except });
    return reply.code(204).send();
  });
}

function emailTaken(): GatewayError {
  return new GatewayError('conflict', 'An account with this email already exists.', { param: 'email' });
}

function refuseWhenThrottled(throttle: LoginThrottle, key: string): void {
  const retryAfterSeconds = throttle.retryAfterSeconds(key);
  if (retryAfterSeconds > 0) {
    throw new GatewayError('rate_limit_exceeded', `Too many failed attempts; try again in ${retryAfterSeconds} seconds.`, {
      retryAfterSeconds,
    });
  }
}

function balanceOf(deps: AuthRoutesDependencies, account: AccountRecord): bigint {
  return account.balance - (deps.pendingCharges?.(account.id) ?? 0n);
}

/** A hash of a random password no one knows, made once, on first need. */
function lazyUnusedPasswordHash(): () => Promise<string> {
  let hash: Promise<string> | null = null;
  return () => {
    hash ??= hashPassword(randomUUID()).catch((error: unknown) => {
      hash = null;
      throw error;
    });
    return hash;
  };
}
