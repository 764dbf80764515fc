/**
 * Groups and group memberships held in memory, so routing and pricing never read the database
 * on the request path. Refreshed on a timer (changes made by another process show within one
 * interval) and at once through `refresh()` after a change made here.
 */
import type { AccountGroupRecord, AccountGroupStore } from '../store/account-group-store.js';

export interface AccountGroupCacheOptions {
  refreshIntervalMs?: number;
  onError?: (error: unknown) => void;
}

export class AccountGroupCache {
  private groupsById = new Map<string, AccountGroupRecord>();
  private groupIdByAccount = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private readonly refreshIntervalMs: number;

  constructor(
    private readonly store: Pick<AccountGroupStore, 'listGroups' | 'listGroupAssignments'>,
    private readonly options: AccountGroupCacheOptions = {},
  ) {
    this.refreshIntervalMs = options.refreshIntervalMs ?? 5000;
  }

  /** Loads once, then keeps refreshing in the background. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) => this.options.onError?.(error));
    }, this.refreshIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async refresh(): Promise<void> {
    const [groups, assignments] = await Promise.all([this.store.listGroups(), this.store.listGroupAssignments()]);
    this.groupsById = new Map(groups.map((group) => [group.id, group]));
    this.groupIdByAccount = new Map(assignments.map((assignment) => [assignment.accountId, assignment.groupId]));
  }

  /** The account's group as last loaded, or null. */
  groupOf(accountId: string): AccountGroupRecord | null {
    const groupId = this.groupIdByAccount.get(accountId);
    return groupId === undefined ? null : (this.groupsById.get(groupId) ?? null);
  }
}
