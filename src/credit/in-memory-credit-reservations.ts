/**
 * Reservations for one gateway process. JavaScript runs one thing at a time, so checking the
 * available amount and reserving it in one synchronous step leaves no room for a race.
 *
 * Per account: available = stored balance − pending, where `pending` is what the records
 * journaled by this process and not yet stored will take from the balance (holds, and charges
 * less the holds they release). Per key and budget period: spent = stored spending + charges not
 * yet stored + holds not yet settled. The stored values are snapshots read between two store
 * batches (`whenIdle`), and each confirmed batch moves them and the pending amounts together,
 * so the two always describe the same point in time. Snapshots of accounts in use are re-read
 * every `refreshIntervalMs`, so changes made outside this process (top-ups, corrections) show.
 * No request waits on the database except the first one of an account after start or idleness.
 */
import { isOpenedHold, type LedgerRecord, type LedgerSnapshotReads } from '../store/ledger-store.js';
import { spendingInPeriod, type CreditClaim, type CreditReservations } from './credit-reservations.js';
import { budgetRefusal, creditRefusal } from './insufficient-credit.js';
import { PeriodicRefresh } from './periodic-refresh.js';

export interface InMemoryReservationsOptions {
  store: LedgerSnapshotReads;
  /** Runs a read between two store batches of the settlement writer. */
  whenIdle: <T>(task: () => Promise<T>) => Promise<T>;
  refreshIntervalMs?: number;
  /** Snapshots unused this long, with nothing pending, are dropped. */
  idleAfterMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

interface AccountCredit {
  stored: bigint | null;
  pending: bigint;
  usedAt: number;
}

interface BudgetUsage {
  keyId: string;
  periodStart: number | null;
  stored: bigint | null;
  unstoredCharges: bigint;
  activeHolds: bigint;
  usedAt: number;
}

export class InMemoryCreditReservations implements CreditReservations {
  private readonly accounts = new Map<string, AccountCredit>();
  /**
   * Each key's budget usages by the start of their period (null: the key's total). Nested rather
   * than keyed by one string of both, which was built anew on every lookup, four per request.
   */
  private readonly budgets = new Map<string, Map<number | null, BudgetUsage>>();
  private readonly idleAfterMs: number;
  private readonly now: () => number;
  private readonly refresher: PeriodicRefresh;

  constructor(private readonly options: InMemoryReservationsOptions) {
    this.idleAfterMs = options.idleAfterMs ?? 300_000;
    this.now = options.now ?? Date.now;
    this.refresher = new PeriodicRefresh({
      run: () => options.whenIdle(() => this.readSnapshots()),
      intervalMs: options.refreshIntervalMs ?? 500,
      ...(options.onError ? { onError: options.onError } : {}),
    });
  }

  start(): void {
    this.refresher.start();
  }

  close(): Promise<void> {
    return this.refresher.close();
  }

  async reserve(claim: CreditClaim): Promise<void> {
    const limited = claim.keyBudget !== null && claim.keyId !== null;
    for (;;) {
      // Looked up in the same synchronous step as the check below, so an entry dropped or
      // reloaded while this request waited for a snapshot is never the one reserved against.
      const account = this.accountEntry(claim.accountId);
      if (account.stored === null) {
        await this.loadAccount(claim.accountId);
        continue;
      }
      const budget = limited ? this.budgetEntry(claim.keyId!, claim.periodStart) : null;
      if (budget && budget.stored === null) {
        await this.loadBudget(claim.keyId!, claim.periodStart);
        continue;
      }
      const available = account.stored - account.pending;
      if (available < claim.amount) throw creditRefusal(claim, available);
      if (budget && claim.keyBudget !== null) {
        const remaining = claim.keyBudget - (budget.stored! + budget.unstoredCharges + budget.activeHolds);
        if (remaining < claim.amount) throw budgetRefusal(claim, remaining);
      }
      account.pending += claim.amount;
      if (claim.keyId !== null) this.budgetEntry(claim.keyId, claim.periodStart).activeHolds += claim.amount;
      return;
    }
  }

  settled(claim: CreditClaim, charge: bigint): void {
    const account = this.accountEntry(claim.accountId);
    account.pending += charge - claim.amount;
    if (claim.keyId === null) return;
    const usage = this.budgetEntry(claim.keyId, claim.periodStart);
    usage.activeHolds -= claim.amount;
    usage.unstoredCharges += charge;
  }

  stored(records: readonly LedgerRecord[]): void {
    for (const record of records) {
      if (isOpenedHold(record)) {
        this.moveStoredBalance(record.hold.accountId, -record.hold.amount);
        continue;
      }
      this.moveStoredBalance(record.generation.accountId, record.heldAmount ?? 0n, record.charge);
      const keyId = record.generation.keyId;
      if (keyId === null || record.charge === 0n) continue;
      const usages = this.budgets.get(keyId);
      const usage = usages?.get(record.budgetPeriodStart ?? null);
      if (usage) {
        usage.unstoredCharges -= record.charge;
        if (usage.stored !== null) usage.stored += record.charge;
      }
      // The key's total spending moves too when the charge counted toward a period.
      if (record.budgetPeriodStart !== null && record.budgetPeriodStart !== undefined) {
        const total = usages?.get(null);
        if (total && total.stored !== null) total.stored += record.charge;
      }
    }
  }

  accountChanged(): void {
    void this.refresh().catch((error: unknown) => this.options.onError?.(error));
  }

  /** Re-reads the snapshots of everything in use; runs between store batches. */
  refresh(): Promise<void> {
    return this.refresher.refresh();
  }

  private async readSnapshots(): Promise<void> {
    this.dropIdle();
    const accountIds = [...this.accounts.keys()];
    const keyIds = [...this.budgets.keys()];
    const budgets = [...this.budgets.values()].flatMap((usages) => [...usages.values()]);
    if (accountIds.length === 0 && budgets.length === 0) return;
    const balances = await this.options.store.readBalances(accountIds);
    const spending = await this.options.store.readKeySpending(keyIds);
    for (const [accountId, balance] of balances) {
      const account = this.accounts.get(accountId);
      if (account) account.stored = balance;
    }
    for (const usage of budgets) usage.stored = spendingInPeriod(spending.get(usage.keyId), usage.periodStart);
  }

  private loadAccount(accountId: string): Promise<void> {
    return this.options.whenIdle(async () => {
      const account = this.accountEntry(accountId);
      if (account.stored !== null) return;
      const balance = (await this.options.store.readBalances([accountId])).get(accountId);
      account.stored = balance ?? 0n;
    });
  }

  private loadBudget(keyId: string, periodStart: number | null): Promise<void> {
    return this.options.whenIdle(async () => {
      const usage = this.budgetEntry(keyId, periodStart);
      if (usage.stored !== null) return;
      const spending = (await this.options.store.readKeySpending([keyId])).get(keyId);
      usage.stored = spendingInPeriod(spending, periodStart);
    });
  }

  /** The entry of an account, created when missing; each lookup counts as a use. */
  private accountEntry(accountId: string): AccountCredit {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = { stored: null, pending: 0n, usedAt: this.now() };
      this.accounts.set(accountId, account);
    }
    account.usedAt = this.now();
    return account;
  }

  private budgetEntry(keyId: string, periodStart: number | null): BudgetUsage {
    let usages = this.budgets.get(keyId);
    if (!usages) {
      usages = new Map();
      this.budgets.set(keyId, usages);
    }
    let usage = usages.get(periodStart);
    if (!usage) {
      usage = { keyId, periodStart, stored: null, unstoredCharges: 0n, activeHolds: 0n, usedAt: this.now() };
      usages.set(periodStart, usage);
    }
    usage.usedAt = this.now();
    return usage;
  }

  /** A stored batch moved the balance by `released − charged`; the pending amount moves back by as much. */
  private moveStoredBalance(accountId: string, released: bigint, charged: bigint = 0n): void {
    const account = this.accounts.get(accountId);
    if (!account) return;
    const change = released - charged;
    account.pending += change;
    if (account.stored !== null) account.stored += change;
  }

  private dropIdle(): void {
    const before = this.now() - this.idleAfterMs;
    for (const [accountId, account] of this.accounts) {
      if (account.pending === 0n && account.usedAt < before) this.accounts.delete(accountId);
    }
    for (const [keyId, usages] of this.budgets) {
      for (const [periodStart, usage] of usages) {
        if (usage.unstoredCharges === 0n && usage.activeHolds === 0n && usage.usedAt < before) usages.delete(periodStart);
      }
      if (usages.size === 0) this.budgets.delete(keyId);
    }
  }
}
