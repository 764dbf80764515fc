/**
 * Tells an operator's webhook when an account's balance falls below its threshold: one JSON POST
 * per crossing (the mark is claimed in the store, so several processes never send it twice), made
 * in the background with a timeout and never retried, so a slow or failing receiver can neither
 * hold up requests nor be flooded. The mark clears when the balance is back at or above the
 * threshold, and the next fall below notifies again.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { request } from 'undici';
import { unitsToUsdNumber } from '../metering/money.js';
import type { BalanceWatch, LowBalanceStore } from '../store/low-balance-store.js';

export interface LowBalanceEvent {
  type: 'account.low_balance';
  /** Unique per event: receivers can drop a repeat they already handled. */
  id: string;
  created_at: string;
  account: { id: string; email: string };
  /** USD. */
  balance: number;
  /** USD. */
  threshold: number;
}

export type LowBalanceDelivery = (url: string, event: LowBalanceEvent, body: string, headers: Record<string, string>) => Promise<void>;

export interface LowBalanceNotifierOptions {
  store: LowBalanceStore;
  /** Where events are POSTed; null turns notifying off. */
  webhookUrl: string | null;
  /** Threshold (units of 10^-12 USD) of accounts without one of their own; null: only those with one. */
  defaultThreshold: bigint | null;
  /** When set, each event carries `x-switchyard-signature: sha256=<hex HMAC of the body>`. */
  signingSecret?: string;
  timeoutMs?: number;
  /** Deliveries in flight at once; more wait their turn. */
  maxConcurrentDeliveries?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
  /** Replaces the HTTP POST (tests). */
  deliver?: LowBalanceDelivery;
}

export class LowBalanceNotifier {
  private readonly timeoutMs: number;
  private readonly maxConcurrent: number;
  private readonly now: () => number;
  private readonly waiting: Array<() => Promise<void>> = [];
  private running = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly charged = new Set<string>();
  private scheduledCheck: Promise<void> | null = null;

  constructor(private readonly options: LowBalanceNotifierOptions) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxConcurrent = options.maxConcurrentDeliveries ?? 4;
    this.now = options.now ?? Date.now;
  }

  /**
   * Looks at these accounts' balances (call it after each settlement batch, and after credits so a
   * recovered balance re-arms its alert). Resolves once the notices are claimed; the POSTs go on
   * in the background. Never rejects: failures go to `onError`.
   */
  async check(accountIds: Iterable<string>): Promise<void> {
    if (this.options.webhookUrl === null) return;
    const ids = [...new Set(accountIds)];
    if (ids.length === 0) return;
    try {
      const watches = await this.options.store.listBalanceWatches(ids);
      const recovered: string[] = [];
      for (const watch of watches) {
        const threshold = watch.threshold ?? this.options.defaultThreshold;
        if (threshold === null) continue;
        if (watch.balance >= threshold) {
          if (watch.notifiedAt !== null) recovered.push(watch.accountId);
        } else if (watch.notifiedAt === null) {
          await this.notifyOnce(watch, threshold);
        }
      }
      if (recovered.length > 0) await this.options.store.clearLowBalanceNotices(recovered);
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  /**
   * Notes that an account was charged (for `SettlementWriter`'s `onSettled` hook, which runs once
   * per settlement): the accounts noted within one turn of the event loop are checked together.
   */
  noteCharged(accountId: string): void {
    this.charged.add(accountId);
    if (this.scheduledCheck) return;
    this.scheduledCheck = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const accountIds = [...this.charged];
      this.charged.clear();
      this.scheduledCheck = null;
      await this.check(accountIds);
    });
  }

  /** Resolves when every check noted and every delivery started so far has finished (for shutdown and tests). */
  async whenIdle(): Promise<void> {
    while (this.scheduledCheck || this.inFlight.size > 0 || this.waiting.length > 0) {
      if (this.scheduledCheck) await this.scheduledCheck;
      await Promise.all([...this.inFlight]);
    }
  }

  private async notifyOnce(watch: BalanceWatch, threshold: bigint): Promise<void> {
    const at = this.now();
    if (!(await this.options.store.claimLowBalanceNotice(watch.accountId, at))) return;
    const event: LowBalanceEvent = {
      type: 'account.low_balance',
      id: randomUUID(),
      created_at: new Date(at).toISOString(),
      account: { id: watch.accountId, email: watch.email },
      balance: unitsToUsdNumber(watch.balance),
      threshold: unitsToUsdNumber(threshold),
    };
    this.enqueue(() => this.deliver(event));
  }

  private enqueue(task: () => Promise<void>): void {
    this.waiting.push(task);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.maxConcurrent && this.waiting.length > 0) {
      const task = this.waiting.shift()!;
      this.running++;
      const run = task()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          this.running--;
          this.inFlight.delete(run);
          this.pump();
        });
      this.inFlight.add(run);
    }
  }

  private async deliver(event: LowBalanceEvent): Promise<void> {
    const url = this.options.webhookUrl;
    if (url === null) return;
    const body = JSON.stringify(event);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'switchyard' };
    if (this.options.signingSecret) {
      headers['x-switchyard-signature'] = `sha256=${createHmac('sha256', this.options.signingSecret).update(body).digest('hex')}`;
    }
    if (this.options.deliver) return this.options.deliver(url, event, body, headers);
    let response;
    try {
      response = await request(url, {
        method: 'POST',
        headers,
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.body.dump();
    } catch (error) {
      // Only the error's kind: the webhook URL may carry a token, and transport errors can quote it.
      const kind = (error as { code?: unknown; name?: unknown }).code ?? (error as { name?: unknown }).name ?? 'error';
      throw new Error(`low-balance webhook delivery failed (${String(kind)})`);
    }
    if (response.statusCode < 200 || response.statusCode > 299) {
      throw new Error(`low-balance webhook answered HTTP ${response.statusCode}`);
    }
  }
}
