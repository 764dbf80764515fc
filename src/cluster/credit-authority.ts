/**
 * The credit of every account and the budget of every key, shared by the workers when there is
 * no Redis, kept in the primary process as leases: a worker asks for a lease of an account's
 * credit (and of a key's budget), holds requests against it on its own, and settles them into
 * it; only when its lease runs short does it ask again. So most requests cost no message at all.
 *
 * Available here = stored balance − every worker's lease; a lease is all a worker may have taken
 * without the store knowing yet (its unused part, its holds in flight, its charges not stored).
 * A worker's stored batch moves the stored balance and its lease down by the same amount, so
 * "available" does not move. A lease is granted only from what is available, so the workers
 * together never hold more than the credit. When a request finds too little available, the
 * unused parts of every worker's lease are taken back first, and from then on that account is
 * leased request by request until it has plenty again: a request is refused only when the credit
 * is really taken, as with one process.
 *
 * Each worker has its own settlement writer, so the snapshot reads run inside `whenIdle`, which
 * pauses every worker's writer between its batches (`WriterBarrier`); a worker reports its stored
 * batches before it acknowledges the pause, so a read made there sees exactly what was reported.
 */
import { spendingInPeriod, type CreditClaim } from '../credit/credit-reservations.js';
import { budgetRefusal, creditRefusal } from '../credit/insufficient-credit.js';
import { PeriodicRefresh } from '../credit/periodic-refresh.js';
import type { LedgerSnapshotReads } from '../store/ledger-store.js';
import { budgetLeaseKey, type StoredChange } from './credit-messages.js';

export interface CreditAuthorityOptions {
  store: LedgerSnapshotReads;
  /** Runs a read while no worker's writer is storing a batch. */
  whenIdle: <T>(task: () => Promise<T>) => Promise<T>;
  /** How many workers share the credit now (leases are sized by it). */
  workers: () => number;
  /** Takes back the unused part of `worker`'s leases of an account and a budget key. */
  takeBack: (worker: string, accountId: string, budgetKey: string | null) => Promise<{ account: bigint; budget: bigint }>;
  refreshIntervalMs?: number;
  /** Snapshots unused this long, with nothing leased, are dropped. */
  idleAfterMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

/** What a worker asks for: the request's hold, of the account and/or of the key's budget. */
export interface LeaseRequest {
  claim: CreditClaim;
  account: boolean;
  budget: boolean;
}

/** Granted: the hold itself and any extra, of each. */
export interface LeaseGrant {
  account: bigint;
  budget: bigint;
}

/** A lease covers the request and up to this many more of the same size. */
const EXTRA_REQUESTS = 32;

interface Target {
  /** The stored balance (accounts) or the stored spending in the period (budgets). */
  stored: bigint | null;
  leased: bigint;
  /** Unused leases were taken back: lease request by request until there is plenty again. */
  short: boolean;
  usedAt: number;
}

interface BudgetTarget extends Target {
  keyId: string;
  periodStart: number | null;
  /** The key's budget as the latest request saw it. */
  limit: bigint | null;
}

/** One worker's leases, by account and by budget key. */
interface WorkerLeases {
  accounts: Map<string, bigint>;
  budgets: Map<string, bigint>;
}

export class CreditAuthority {
  private readonly accounts = new Map<string, Target>();
  private readonly budgets = new Map<string, BudgetTarget>();
  private readonly leases = new Map<string, WorkerLeases>();
  /** Workers taken out; a lease of theirs still waiting for a snapshot must not land. */
  private readonly forgotten = new Set<string>();
  private readonly takingBack = new Map<string, Promise<void>>();
  private readonly idleAfterMs: number;
  private readonly now: () => number;
  private readonly refresher: PeriodicRefresh;

  constructor(private readonly options: CreditAuthorityOptions) {
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

  /**
   * Leases the request's hold, plus some extra while there is plenty, of the account and/or the
   * key's budget; throws 402 when the credit or budget is really taken.
   */
  async lease(worker: string, request: LeaseRequest): Promise<LeaseGrant> {
    const { claim } = request;
    const budgetKey = request.budget && claim.keyId !== null ? budgetLeaseKey(claim.keyId, claim.periodStart) : null;
    let tookBack = false;
    for (;;) {
      // Looked up in the same synchronous step as the check and the grant below.
      const account = request.account ? this.accountTarget(claim.accountId) : null;
      if (account && account.stored === null) {
        await this.loadAccount(claim.accountId);
        continue;
      }
      const budget = budgetKey ? this.budgetTarget(budgetKey, claim) : null;
      if (budget && budget.stored === null) {
        await this.loadBudget(budgetKey!);
        continue;
      }
      const available = account ? account.stored! - account.leased : 0n;
      const remaining = budget && claim.keyBudget !== null ? claim.keyBudget - (budget.stored! + budget.leased) : 0n;
      const creditShort = account !== null && available < claim.amount;
      const budgetShort = budget !== null && remaining < claim.amount;
      if (creditShort || budgetShort) {
        if (!tookBack) {
          await this.takeBackUnused(claim.accountId, budgetKey, creditShort, budgetShort);
          tookBack = true;
          continue;
        }
        if (creditShort) throw creditRefusal(claim, available);
        throw budgetRefusal(claim, remaining);
      }
      if (this.forgotten.has(worker)) throw new Error('the worker asking for this lease has stopped');
      const leases = this.leasesOf(worker);
      const grant: LeaseGrant = { account: 0n, budget: 0n };
      if (account) {
        grant.account = claim.amount + this.extra(account, available - claim.amount, claim.amount);
        account.leased += grant.account;
        addAccountLease(leases.accounts, claim.accountId, grant.account);
      }
      if (budget) {
        grant.budget = claim.amount + this.extra(budget, remaining - claim.amount, claim.amount);
        budget.leased += grant.budget;
        addBudgetLease(leases.budgets, budgetKey!, grant.budget);
      }
      return grant;
    }
  }

  /** A batch of `worker` was stored: the stored values and its leases move by the same amounts. */
  stored(worker: string, changes: readonly StoredChange[]): void {
    const leases = this.leasesOf(worker);
    for (const change of changes) {
      if (change[0] === 'h') {
        this.moveStoredBalance(leases, change[1], BigInt(change[2]));
        continue;
      }
      const [, accountId, keyId, held, charged, periodStart] = change;
      const charge = BigInt(charged);
      this.moveStoredBalance(leases, accountId, charge - BigInt(held));
      if (keyId === null || charge === 0n) continue;
      const key = budgetLeaseKey(keyId, periodStart);
      const budget = this.budgets.get(key);
      if (budget && budget.stored !== null) budget.stored += charge;
      // Only a worker that leased this budget counted the charge in its lease.
      if (budget && leases.budgets.has(key)) {
        budget.leased -= charge;
        addBudgetLease(leases.budgets, key, -charge);
      }
      // The key's total spending moves too when the charge counted toward a period.
      if (periodStart !== null) {
        const total = this.budgets.get(budgetLeaseKey(keyId, null));
        if (total && total.stored !== null) total.stored += charge;
      }
    }
  }

  accountChanged(): void {
    void this.refresh().catch((error: unknown) => this.options.onError?.(error));
  }

  /**
   * Takes a dead worker's leases out. Call it, inside `whenIdle`, only once everything the worker
   * journaled is stored and its open holds are released; then re-read the snapshots there too
   * (`readSnapshots`), since those writes changed the store behind them.
   */
  forgetWorker(worker: string): void {
    this.forgotten.add(worker);
    const leases = this.leases.get(worker);
    if (!leases) return;
    this.leases.delete(worker);
    for (const [accountId, amount] of leases.accounts) {
      const account = this.accounts.get(accountId);
      if (account) account.leased -= amount;
    }
    for (const [key, amount] of leases.budgets) {
      const budget = this.budgets.get(key);
      if (budget) budget.leased -= amount;
    }
  }

  /** Re-reads the snapshots of everything in use, between store batches. */
  refresh(): Promise<void> {
    return this.refresher.refresh();
  }

  /**
   * The read itself; only inside `whenIdle`. A correction or a lowered budget made elsewhere may
   * leave less than is leased: the unused parts are then taken back at once.
   */
  async readSnapshots(): Promise<void> {
    this.dropIdle();
    const accountIds = [...this.accounts.keys()];
    const budgets = [...this.budgets.values()];
    if (accountIds.length === 0 && budgets.length === 0) return;
    const balances = await this.options.store.readBalances(accountIds);
    const spending = await this.options.store.readKeySpending([...new Set(budgets.map((budget) => budget.keyId))]);
    for (const [accountId, balance] of balances) {
      const account = this.accounts.get(accountId);
      if (!account) continue;
      account.stored = balance;
      if (balance < account.leased) void this.takeBackUnused(accountId, null, true, false).catch((error: unknown) => this.options.onError?.(error));
    }
    for (const [key, budget] of this.budgets) {
      budget.stored = spendingInPeriod(spending.get(budget.keyId), budget.periodStart);
      if (budget.limit !== null && budget.limit < budget.stored + budget.leased) {
        void this.takeBackUnused(null, key, false, true).catch((error: unknown) => this.options.onError?.(error));
      }
    }
  }

  /** Unused parts of every worker's leases come back; the targets are then leased request by request. */
  private takeBackUnused(accountId: string | null, budgetKey: string | null, account: boolean, budget: boolean): Promise<void> {
    const name = `${account ? accountId : ''}\u0000${budget ? budgetKey : ''}`;
    let running = this.takingBack.get(name);
    if (running) return running;
    const accountTarget = account && accountId !== null ? this.accounts.get(accountId) : undefined;
    const budgetTarget = budget && budgetKey !== null ? this.budgets.get(budgetKey) : undefined;
    if (accountTarget) accountTarget.short = true;
    if (budgetTarget) budgetTarget.short = true;
    running = (async () => {
      // Grants decided before this point reach their workers' channels in this turn; the
      // take-back leaves after them, so a worker always counts a grant before giving back.
      await new Promise((resolve) => setImmediate(resolve));
      const holders = [...this.leases].filter(
        ([, leases]) => (accountTarget && leases.accounts.has(accountId!)) || (budgetTarget && leases.budgets.has(budgetKey!)),
      );
      await Promise.all(
        holders.map(async ([worker, leases]) => {
          let returned: { account: bigint; budget: bigint };
          try {
            returned = await this.options.takeBack(worker, accountTarget ? accountId! : '', budgetTarget ? budgetKey : null);
          } catch {
            // A worker that died keeps its lease until its journal is stored (`forgetWorker`).
            return;
          }
          if (accountTarget && returned.account !== 0n) {
            accountTarget.leased -= returned.account;
            addAccountLease(leases.accounts, accountId!, -returned.account);
          }
          if (budgetTarget && returned.budget !== 0n) {
            budgetTarget.leased -= returned.budget;
            addBudgetLease(leases.budgets, budgetKey!, -returned.budget);
          }
        }),
      );
    })().finally(() => this.takingBack.delete(name));
    this.takingBack.set(name, running);
    return running;
  }

  /** Extra for the lease: a share of what is left while there is plenty, none when short. */
  private extra(target: Target, left: bigint, amount: bigint): bigint {
    const workers = BigInt(Math.max(1, this.options.workers()));
    const most = amount * BigInt(EXTRA_REQUESTS);
    // Plenty again: every worker could take its whole lease and a quarter would still be left.
    if (target.short && left >= most * workers * 4n) target.short = false;
    if (target.short) return 0n;
    const share = left / (4n * workers);
    const extra = share < most ? share : most;
    return extra >= amount ? extra : 0n;
  }

  private loadAccount(accountId: string): Promise<void> {
    return this.options.whenIdle(async () => {
      const account = this.accountTarget(accountId);
      if (account.stored !== null) return;
      const balance = (await this.options.store.readBalances([accountId])).get(accountId);
      account.stored = balance ?? 0n;
    });
  }

  private loadBudget(key: string): Promise<void> {
    return this.options.whenIdle(async () => {
      const budget = this.budgets.get(key);
      if (!budget || budget.stored !== null) return;
      const spending = (await this.options.store.readKeySpending([budget.keyId])).get(budget.keyId);
      budget.stored = spendingInPeriod(spending, budget.periodStart);
    });
  }

  private accountTarget(accountId: string): Target {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = { stored: null, leased: 0n, short: false, usedAt: this.now() };
      this.accounts.set(accountId, account);
    }
    account.usedAt = this.now();
    return account;
  }

  private budgetTarget(key: string, claim: CreditClaim): BudgetTarget {
    let budget = this.budgets.get(key);
    if (!budget) {
      budget = { keyId: claim.keyId!, periodStart: claim.periodStart, stored: null, leased: 0n, short: false, limit: null, usedAt: this.now() };
      this.budgets.set(key, budget);
    }
    // A lowered budget: what was leased under the old one may be more than is left now.
    if (budget.limit !== null && claim.keyBudget !== null && claim.keyBudget < budget.limit) budget.short = true;
    budget.limit = claim.keyBudget;
    budget.usedAt = this.now();
    return budget;
  }

  private leasesOf(worker: string): WorkerLeases {
    let leases = this.leases.get(worker);
    if (!leases) {
      leases = { accounts: new Map(), budgets: new Map() };
      this.leases.set(worker, leases);
    }
    return leases;
  }

  /**
   * A stored batch took `debit` from the balance; the worker's lease falls by as much. The
   * target is created when missing (a charge with no lease before it), so that the leases of
   * the workers always add up to the target's.
   */
  private moveStoredBalance(leases: WorkerLeases, accountId: string, debit: bigint): void {
    const account = this.accountTarget(accountId);
    addAccountLease(leases.accounts, accountId, -debit);
    account.leased -= debit;
    if (account.stored !== null) account.stored -= debit;
  }

  /** Drops idle snapshots nobody holds a lease of (a lease must always find its entry). */
  private dropIdle(): void {
    const before = this.now() - this.idleAfterMs;
    const all = [...this.leases.values()];
    for (const [accountId, account] of this.accounts) {
      if (account.usedAt >= before || all.some((leases) => leases.accounts.has(accountId))) continue;
      this.accounts.delete(accountId);
    }
    for (const [key, budget] of this.budgets) {
      if (budget.usedAt >= before || all.some((leases) => leases.budgets.has(key))) continue;
      this.budgets.delete(key);
    }
  }
}

/** An account's lease is forgotten at zero: it moves with every stored batch, leased or not. */
function addAccountLease(map: Map<string, bigint>, accountId: string, amount: bigint): void {
  const next = (map.get(accountId) ?? 0n) + amount;
  if (next === 0n) map.delete(accountId);
  else map.set(accountId, next);
}

/**
 * A budget's lease stays listed at zero: only a worker that leased a budget counts its charges
 * in the lease (see `stored`), and the worker keeps its entry the same way.
 */
function addBudgetLease(map: Map<string, bigint>, key: string, amount: bigint): void {
  map.set(key, (map.get(key) ?? 0n) + amount);
}
