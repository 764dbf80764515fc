/**
 * `/api/admin/groups`: account groups with a price multiplier and a channel pool, and putting an
 * account into one (`PATCH /api/admin/accounts/{id}/group`). Administrators only.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../core/index.js';
import { normalizePriceMultiplier } from '../../accounts/account-group-pricing.js';
import type { AccountGroupRecord, AccountGroupStore } from '../../store/account-group-store.js';
import { StoreConflictError } from '../../store/store-conflict-error.js';
import type { Store } from '../../store/store.js';
import type { PrincipalResolver } from '../principal.js';
import { notFound, parseBody } from './parse-request-input.js';

export interface AccountGroupRoutesDependencies {
  principals: Pick<PrincipalResolver, 'requireAdmin'>;
  groups: AccountGroupStore;
  accounts: Pick<Store, 'findAccountById'>;
  /** The channel names that exist now; when given, a group naming another channel is refused. */
  channelNames?: () => Iterable<string>;
  /** After any change to groups or memberships (refresh `AccountGroupCache`). */
  onGroupsChanged?: () => void;
  now?: () => number;
}

const groupName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1 to 64 letters, digits, dots, dashes or underscores');

const multiplier = z.union([z.number(), z.string()]).transform((value, context) => {
  try {
    return normalizePriceMultiplier(value);
  } catch {
    context.addIssue({ code: 'custom', message: 'must be a non-negative decimal with at most 12 decimals, such as 0.9' });
    return z.NEVER;
  }
});

const channelList = z
  .array(z.string().min(1).max(200))
  .max(1000)
  .refine((names) => new Set(names).size === names.length, 'must not name a channel twice');

const createBody = z.strictObject({
  name: groupName,
  price_multiplier: multiplier.default('1'),
  channels: channelList.default([]),
});

const patchBody = z.strictObject({
  name: groupName.optional(),
  price_multiplier: multiplier.optional(),
  channels: channelList.optional(),
});

const assignBody = z.strictObject({ group: z.string().min(1).nullable() });

export function registerAccountGroupRoutes(app: FastifyInstance, deps: AccountGroupRoutesDependencies): void {
  const now = deps.now ?? Date.now;

  /** A group by id, or by name: both are unique. */
  async function findGroup(reference: string): Promise<AccountGroupRecord | null> {
    return (await deps.groups.findGroupById(reference)) ?? (await deps.groups.findGroupByName(reference));
  }

  function checkChannels(channels: string[] | undefined): void {
    if (channels === undefined || !deps.channelNames) return;
    const known = new Set(deps.channelNames());
    const unknown = channels.find((name) => !known.has(name));
    if (unknown !== undefined) {
      throw new GatewayError('invalid_request', `Invalid 'channels': there is no channel named '${unknown}'.`, { param: 'channels' });
    }
  }

  app.get('/api/admin/groups', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    const [groups, members] = await Promise.all([deps.groups.listGroups(), deps.groups.countGroupMembers()]);
    return { data: groups.map((group) => encodeGroup(group, members.get(group.id) ?? 0)) };
  });

  app.get('/api/admin/groups/:id', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    const { id } = request.params as { id: string };
    const group = await findGroup(id);
    if (!group) throw notFound('group', id);
    const members = await deps.groups.countGroupMembers();
    return encodeGroup(group, members.get(group.id) ?? 0);
  });

  app.post('/api/admin/groups', async (request, reply) => {
    await deps.principals.requireAdmin(request.headers);
    const body = parseBody(createBody, request.body);
    checkChannels(body.channels);
    const group = await withConflict(() =>
      deps.groups.createGroup({
        id: `grp_${randomUUID().replaceAll('-', '')}`,
        name: body.name,
        priceMultiplier: body.price_multiplier,
        channels: body.channels,
        createdAt: now(),
      }),
    );
    deps.onGroupsChanged?.();
    reply.code(201);
    return encodeGroup(group, 0);
  });

  app.patch('/api/admin/groups/:id', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    const { id } = request.params as { id: string };
    const body = parseBody(patchBody, request.body);
    checkChannels(body.channels);
    const existing = await findGroup(id);
    if (!existing) throw notFound('group', id);
    const updated = await withConflict(() =>
      deps.groups.updateGroup(
        existing.id,
        {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.price_multiplier !== undefined ? { priceMultiplier: body.price_multiplier } : {}),
          ...(body.channels !== undefined ? { channels: body.channels } : {}),
        },
        now(),
      ),
    );
    if (!updated) throw notFound('group', id);
    deps.onGroupsChanged?.();
    const members = await deps.groups.countGroupMembers();
    return encodeGroup(updated, members.get(updated.id) ?? 0);
  });

  app.delete('/api/admin/groups/:id', async (request, reply) => {
    await deps.principals.requireAdmin(request.headers);
    const { id } = request.params as { id: string };
    const existing = await findGroup(id);
    if (!existing || !(await deps.groups.deleteGroup(existing.id))) throw notFound('group', id);
    deps.onGroupsChanged?.();
    reply.code(204);
  });

  app.patch('/api/admin/accounts/:id/group', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    const { id } = request.params as { id: string };
    const body = parseBody(assignBody, request.body);
    let group: AccountGroupRecord | null = null;
    if (body.group !== null) {
      group = await findGroup(body.group);
      if (!group) throw new GatewayError('invalid_request', `Invalid 'group': there is no group '${body.group}'.`, { param: 'group' });
    }
    if (!(await deps.accounts.findAccountById(id)) || !(await deps.groups.setAccountGroup(id, group?.id ?? null))) {
      throw notFound('account', id);
    }
    deps.onGroupsChanged?.();
    return { account_id: id, group: group ? encodeGroup(group, null) : null };
  });
}

async function withConflict<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof StoreConflictError) {
      throw new GatewayError('conflict', 'A group with this name already exists.', { param: 'name' });
    }
    throw error;
  }
}

function encodeGroup(group: AccountGroupRecord, members: number | null) {
  return {
    id: group.id,
    name: group.name,
    price_multiplier: group.priceMultiplier,
    channels: group.channels,
    ...(members !== null ? { members } : {}),
    created_at: new Date(group.createdAt).toISOString(),
    updated_at: new Date(group.updatedAt).toISOString(),
  };
}
