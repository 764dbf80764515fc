import type { Kysely, Selectable } from 'kysely';
import type { Database, GroupsTable } from './database-schema.js';
import type {
  AccountGroupChanges,
  AccountGroupRecord,
  AccountGroupStore,
  GroupAssignment,
  NewAccountGroup,
} from './account-group-store.js';
import { parseStringArray, toNumber } from './column-values.js';
import { isUniqueViolation, StoreConflictError } from './store-conflict-error.js';

export class KyselyAccountGroupStore implements AccountGroupStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createGroup(group: NewAccountGroup): Promise<AccountGroupRecord> {
    try {
      const row = await this.db
        .insertInto('groups')
        .values({
          id: group.id,
          name: group.name,
          price_multiplier: group.priceMultiplier,
          channels: JSON.stringify(group.channels),
          created_at: group.createdAt,
          updated_at: group.createdAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return groupFromRow(row);
    } catch (error) {
      throw conflictOr(error, group.name);
    }
  }

  async listGroups(): Promise<AccountGroupRecord[]> {
    const rows = await this.db.selectFrom('groups').selectAll().orderBy('name').execute();
    return rows.map(groupFromRow);
  }

  async findGroupById(id: string): Promise<AccountGroupRecord | null> {
    const row = await this.db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? groupFromRow(row) : null;
  }

  async findGroupByName(name: string): Promise<AccountGroupRecord | null> {
    const row = await this.db.selectFrom('groups').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? groupFromRow(row) : null;
  }

  async updateGroup(id: string, changes: AccountGroupChanges, at: number): Promise<AccountGroupRecord | null> {
    try {
      const row = await this.db
        .updateTable('groups')
        .set({
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.priceMultiplier !== undefined ? { price_multiplier: changes.priceMultiplier } : {}),
          ...(changes.channels !== undefined ? { channels: JSON.stringify(changes.channels) } : {}),
          updated_at: at,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row ? groupFromRow(row) : null;
    } catch (error) {
      throw conflictOr(error, changes.name ?? '');
    }
  }

  async deleteGroup(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (transaction) => {
      await transaction.updateTable('accounts').set({ group_id: null }).where('group_id', '=', id).execute();
      const deleted = await transaction.deleteFrom('groups').where('id', '=', id).returning('id').executeTakeFirst();
      return deleted !== undefined;
    });
  }

  async setAccountGroup(accountId: string, groupId: string | null): Promise<boolean> {
    const row = await this.db
      .updateTable('accounts')
      .set({ group_id: groupId })
      .where('id', '=', accountId)
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async groupOfAccount(accountId: string): Promise<AccountGroupRecord | null> {
    const row = await this.db
      .selectFrom('accounts')
      .innerJoin('groups', 'groups.id', 'accounts.group_id')
      .selectAll('groups')
      .where('accounts.id', '=', accountId)
      .executeTakeFirst();
    return row ? groupFromRow(row) : null;
  }

  async listGroupAssignments(): Promise<GroupAssignment[]> {
    const rows = await this.db
      .selectFrom('accounts')
      .select(['id', 'group_id'])
      .where('group_id', 'is not', null)
      .orderBy('id')
      .execute();
    return rows.map((row) => ({ accountId: row.id, groupId: row.group_id! }));
  }

  async countGroupMembers(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('accounts')
      .select(['group_id', (builder) => builder.fn.countAll<number | bigint | string>().as('members')])
      .where('group_id', 'is not', null)
      .groupBy('group_id')
      .execute();
    return new Map(rows.map((row) => [row.group_id!, toNumber(row.members)]));
  }
}

function groupFromRow(row: Selectable<GroupsTable>): AccountGroupRecord {
  return {
    id: row.id,
    name: row.name,
    priceMultiplier: row.price_multiplier,
    channels: parseStringArray(row.channels),
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
  };
}

function conflictOr(error: unknown, name: string): unknown {
  if (isUniqueViolation(error)) return new StoreConflictError(`a group named '${name}' already exists`, { cause: error });
  return error;
}
