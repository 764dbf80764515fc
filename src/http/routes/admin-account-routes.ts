import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../core/index.js';
import { emailSchema, newPasswordSchema } from '../../accounts/account-credentials.js';
import { hashPassword } from '../../accounts/password-hash.js';
import type { SessionManager } from '../../accounts/session-manager.js';
import { newAccountId } from '../../app/bootstrap-admin.js';
import type { AccountAdminStore, AccountChanges } from '../../store/account-admin-store.js';
import { StoreConflictError } from '../../store/store-conflict-error.js';
import type { AccountRecord, Store } from '../../store/store.js';
import type { PrincipalResolver } from '../principal.js';
import { encodeAccountForAdmin } from './encode-account-record.js';
import { parseBody, parseQuery } from './parse-request-input.js';

export interface AdminAccountRoutesDependencies {
  principals: PrincipalResolver;
  accounts: Pick<Store, 'createAccount' | 'findAccountById'>;
  accountAdmin: AccountAdminStore;
  sessions: Pick<SessionManager, 'endAllOf' | 'forgetAccount'>;
  /** The API key cache (`ApiKeyAuthenticator`): told when an account's role or disabled flag changes. */
  apiKeyCache: { invalidateAccount(accountId: string): void };
}

const MAX_PAGE = 200;

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  q: z.string().max(254).optional(),
});

const roleSchema = z.enum(['admin', 'user']);

const createBody = z.strictObject({
  email: emailSchema,
  password: newPasswordSchema.nullish(),
  role: roleSchema.default('user'),
});

const patchBody = z.strictObject({
  disabled: z.boolean().optional(),
  role: roleSchema.optional(),
});

/** `/api/admin/accounts`: list, read, create, disable and change roles. Administrators only. */
export function registerAdminAccountRoutes(app: FastifyInstance, deps: AdminAccountRoutesDependencies): void {
  app.get('/api/admin/accounts', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    const query = parseQuery(pageQuery, request.query);
    const page = await deps.accountAdmin.listAccounts({ limit: query.limit, offset: query.offset, search: query.q });
    return { data: page.accounts.map(encodeAccountForAdmin), total: page.total, limit: query.limit, offset: query.offset };
  });

  app.get('/api/admin/accounts/:id', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    const { id } = request.params as { id: string };
    return encodeAccountForAdmin(await existingAccount(deps, id));
  });

  app.post('/api/admin/accounts', async (request, reply) => {
    await deps.principals.requireAdmin(request.headers);
    const body = parseBody(createBody, request.body);
    if (await deps.accountAdmin.findAccountByEmailIgnoringCase(body.email)) throw emailTaken();
    let account: AccountRecord;
    try {
      account = await deps.accounts.createAccount({
        id: newAccountId(),
        email: body.email,
        // Without a password the account cannot log in; it can still own API keys.
        passwordHash: body.password ? await hashPassword(body.password) : null,
        role: body.role,
        createdAt: Date.now(),
      });
    } catch (error) {
      if (error instanceof StoreConflictError) throw emailTaken();
      throw error;
    }
    return reply.code(201).send(encodeAccountForAdmin(account));
  });

  app.patch('/api/admin/accounts/:id', async (request) => {
    const principal = await deps.principals.requireAdmin(request.headers);
    const { id } = request.params as { id: string };
    const body = parseBody(patchBody, request.body);
    if (id === principal.account.id) {
      if (body.disabled === true) {
        throw new GatewayError('permission_denied', 'An administrator cannot disable their own account.', { param: 'disabled' });
      }
      if (body.role === 'user') {
        throw new GatewayError('permission_denied', 'An administrator cannot demote their own account.', { param: 'role' });
      }
    }
    const changes: AccountChanges = {};
    if (body.disabled !== undefined) changes.disabled = body.disabled;
    if (body.role !== undefined) changes.role = body.role;
    const account = await deps.accountAdmin.updateAccount(id, changes);
    if (!account) throw accountNotFound(id);
    if (body.disabled === true) await deps.sessions.endAllOf(account.id);
    // Cached copies carry the old role and flag: drop them so this process applies the change now.
    deps.sessions.forgetAccount(account.id);
    deps.apiKeyCache.invalidateAccount(account.id);
    return encodeAccountForAdmin(account);
  });
}

async function existingAccount(deps: AdminAccountRoutesDependencies, id: string): Promise<AccountRecord> {
  const account = await deps.accounts.findAccountById(id);
  if (!account) throw accountNotFound(id);
  return account;
}

function accountNotFound(id: string): GatewayError {
  return new GatewayError('not_found', `No account with id '${id}'.`, { param: 'id' });
}

function emailTaken(): GatewayError {
  return new GatewayError('conflict', 'An account with this email already exists.', { param: 'email' });
}
