/** Account groups: a price multiplier and a channel pool shared by the accounts assigned to the group. */

export interface AccountGroupRecord {
  id: string;
  name: string;
  /** Exact decimal text, e.g. "0.9": prices for the group's accounts are multiplied by it. */
  priceMultiplier: string;
  /** Names of the channels the group may use; empty means every channel. */
  channels: string[];
  createdAt: number;
  updatedAt: number;
}

export type NewAccountGroup = Omit<AccountGroupRecord, 'updatedAt'>;

export interface AccountGroupChanges {
  name?: string;
  priceMultiplier?: string;
  channels?: string[];
}

export interface GroupAssignment {
  accountId: string;
  groupId: string;
}

export interface AccountGroupStore {
  /** Throws `StoreConflictError` when the name is taken. */
  createGroup(group: NewAccountGroup): Promise<AccountGroupRecord>;
  /** By name. */
  listGroups(): Promise<AccountGroupRecord[]>;
  findGroupById(id: string): Promise<AccountGroupRecord | null>;
  findGroupByName(name: string): Promise<AccountGroupRecord | null>;
  /** Null when there is no such group; throws `StoreConflictError` when renaming onto a taken name. */
  updateGroup(id: string, changes: AccountGroupChanges, at: number): Promise<AccountGroupRecord | null>;
  /** Removes the group and takes its accounts out of it, in one transaction. False when unknown. */
  deleteGroup(id: string): Promise<boolean>;
  /** False when there is no such account. */
  setAccountGroup(accountId: string, groupId: string | null): Promise<boolean>;
  groupOfAccount(accountId: string): Promise<AccountGroupRecord | null>;
  /** Every account that is in a group (for caches of the request path). */
  listGroupAssignments(): Promise<GroupAssignment[]>;
  /** Group id -> how many accounts are in it. */
  countGroupMembers(): Promise<Map<string, number>>;
}
