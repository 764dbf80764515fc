/**
 * Key management: `/api/keys` for a user's own keys (session or API key), and
 * `/api/admin/accounts/{id}/keys` and `/api/admin/accounts/{id}/rate-limits` for administrators.
 * A new key is shown once, in the `key` field of the creation answer; only its hash is stored.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/index.js';
import { generateApiKey } from '../../accounts/api-key-format.js';
import type { ClientAddressResolver } from '../../accounts/client-address.js';
import { ipAllowlistOf } from '../../accounts/ip-allowlist.js';
import type { KeyGovernanceStore } from '../../store/key-governance-store.js';
import type { ApiKeyRecord, Store } from '../../store/store.js';
import type { Principal, PrincipalResolver } from '../principal.js';
import { accountRateLimitsBody, createKeyBody, encodeKey, parseBody, updateKeyBody } from './key-request-schemas.js';

export interface KeyRoutesDependencies {
  principals: Pick<PrincipalResolver, 'resolve' | 'requireAdmin'>;
  store: Pick<Store, 'createApiKey' | 'listApiKeys' | 'revokeApiKey' | 'findAccountById'>;
  keyGovernance: KeyGovernanceStore;
  /** The client's address, so that a key calling these endpoints is held to its own IP allowlist. */
  clientAddress: ClientAddressResolver;
  /** The API key cache (`ApiKeyAuthenticator`): told when an account's rate limits change. */
  apiKeyCache: { invalidateAccount(accountId: string): void };
  now?: () => number;
}

export function registerKeyRoutes(app: FastifyInstance, deps: KeyRoutesDependencies): void {
  const now = deps.now ?? Date.now;

  async function caller(request: FastifyRequest, admin = false): Promise<Principal> {
    const principal = admin ? await deps.principals.requireAdmin(request.headers) : await deps.principals.resolve(request.headers);
    if (principal.key) {
      const address = deps.clientAddress(request.raw.socket.remoteAddress, request.headers);
      if (!ipAllowlistOf(principal.key.ipAllowlist ?? []).allows(address)) {
        throw new GatewayError('ip_not_allowed', `This API key may not be used from the address ${address ?? '(unknown)'}.`);
      }
    }
    return principal;
  }

  async function createKey(accountId: string, body: unknown) {
    const input = parseBody(createKeyBody, body);
    const material = generateApiKey();
    const created = await deps.store.createApiKey({
      id: `key_${randomUUID().replaceAll('-', '')}`,
      accountId,
      name: input.name,
      prefix: material.prefix,
      hash: material.hash,
      models: input.models ?? [],
      ipAllowlist: input.ip_allowlist ?? [],
      budget: input.budget ?? null,
      budgetPeriod: input.budget_period ?? 'total',
      rpm: input.rpm ?? null,
      tpm: input.tpm ?? null,
      expiresAt: input.expires_at ?? null,
      createdAt: now(),
    });
    return { ...encodeKey(created), key: material.key };
  }

  /** The key when the principal owns it or is an administrator; another's key is answered as missing. */
  async function manageableKey(principal: Principal, id: string): Promise<ApiKeyRecord> {
    const key = await deps.keyGovernance.findApiKeyById(id);
    if (!key || (key.accountId !== principal.account.id && principal.account.role !== 'admin')) {
      throw new GatewayError('not_found', `No API key with id '${id}'.`, { param: 'id' });
    }
    return key;
  }

  async function existingAccountId(id: string): Promise<string> {
    const account = await deps.store.findAccountById(id);
    if (!account) throw new GatewayError('not_found', `No account with id '${id}'.`, { param: 'id' });
    return account.id;
  }

  app.get('/api/keys', async (request) => {
    const principal = await caller(request);
    return { data: (await deps.store.listApiKeys(principal.account.id)).map(encodeKey) };
  });

  app.post('/api/keys', async (request, reply) => {
    const principal = await caller(request);
    return reply.code(201).send(await createKey(principal.account.id, request.body));
  });

  app.patch('/api/keys/:id', async (request) => {
    const principal = await caller(request);
    const { id } = request.params as { id: string };
    const input = parseBody(updateKeyBody, request.body);
    const key = await manageableKey(principal, id);
    if (key.revokedAt !== null) throw new GatewayError('conflict', 'This API key has been revoked and cannot be changed.', { param: 'id' });
    const updated = await deps.keyGovernance.updateApiKey(
      key.id,
      {
        name: input.name,
        models: input.models,
        ipAllowlist: input.ip_allowlist,
        rpm: input.rpm,
        tpm: input.tpm,
        expiresAt: input.expires_at,
      },
      now(),
    );
    if (!updated) throw new GatewayError('not_found', `No API key with id '${id}'.`, { param: 'id' });
    return encodeKey(updated);
  });

  app.delete('/api/keys/:id', async (request) => {
    const principal = await caller(request);
    const { id } = request.params as { id: string };
    const key = await manageableKey(principal, id);
    // Revoking twice is harmless: the first revocation time stays.
    await deps.store.revokeApiKey(key.id, now());
    return encodeKey((await deps.keyGovernance.findApiKeyById(key.id)) ?? key);
  });

  app.get('/api/admin/accounts/:id/keys', async (request) => {
    await caller(request, true);
    const accountId = await existingAccountId((request.params as { id: string }).id);
    return { data: (await deps.store.listApiKeys(accountId)).map(encodeKey) };
  });

  app.post('/api/admin/accounts/:id/keys', async (request, reply) => {
    await caller(request, true);
    const accountId = await existingAccountId((request.params as { id: string }).id);
    return reply.code(201).send(await createKey(accountId, request.body));
  });

  app.get('/api/admin/accounts/:id/rate-limits', async (request) => {
    await caller(request, true);
    const { id } = request.params as { id: string };
    const limits = await deps.keyGovernance.findAccountRateLimits(id);
    if (!limits) throw new GatewayError('not_found', `No account with id '${id}'.`, { param: 'id' });
    return limits;
  });

  app.put('/api/admin/accounts/:id/rate-limits', async (request) => {
    await caller(request, true);
    const { id } = request.params as { id: string };
    const limits = parseBody(accountRateLimitsBody, request.body);
    if (!(await deps.keyGovernance.setAccountRateLimits(id, limits))) {
      throw new GatewayError('not_found', `No account with id '${id}'.`, { param: 'id' });
    }
    // Cached accounts carry the old limits: drop them so this process applies the new ones now.
    deps.apiKeyCache.invalidateAccount(id);
    return limits;
  });
}
