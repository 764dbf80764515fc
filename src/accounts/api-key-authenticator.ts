import { GatewayError } from '../core/index.js';
import type { AccountRecord, ApiKeyRecord, Store } from '../store/store.js';
import { hashApiKey } from './api-key-format.js';

export interface Caller {
  key: ApiKeyRecord;
  account: AccountRecord;
}

interface CachedAccount {
  account: AccountRecord;
  loadedAt: number;
  refreshing: boolean;
}

export interface AuthenticatorOptions {
  /** How often changed keys are fetched (revocations take effect within this). */
  pollIntervalMs?: number;
  /** How long an account (balance, disabled flag) may be served from memory before a refresh. */
  accountMaxAgeMs?: number;
  now?: () => number;
}

/**
 * Authenticates API keys without a database read per request: keys are cached by hash, and a
 * poll every `pollIntervalMs` fetches the keys changed since the last poll, so a revoke made by
 * another process takes effect within that interval. Unknown keys are remembered for the same
 * interval, so a flood of bad keys cannot turn into a flood of queries.
 */
export class ApiKeyAuthenticator {
  private readonly keys = new Map<string, ApiKeyRecord | null>();
  private readonly unknownSince = new Map<string, number>();
  private readonly accounts = new Map<string, CachedAccount>();
  private lastPoll: number;
  private timer: NodeJS.Timeout | null = null;
  private readonly pollIntervalMs: number;
  private readonly accountMaxAgeMs: number;
  private readonly now: () => number;

  constructor(private readonly store: Store, options: AuthenticatorOptions = {}) {
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.accountMaxAgeMs = options.accountMaxAgeMs ?? 1000;
    this.now = options.now ?? Date.now;
    this.lastPoll = this.now();
  }

  start(): void {
    this.timer = setInterval(() => void this.poll().catch(() => undefined), this.pollIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Resolves the caller of a raw key, or throws `invalid_api_key`. */
  async authenticate(rawKey: string | undefined): Promise<Caller> {
    if (!rawKey) throw new GatewayError('invalid_api_key', 'Missing API key: send it as "Authorization: Bearer <key>".');
    const hash = hashApiKey(rawKey);
    // Known keys are answered without a wait: every await here is a turn of the microtask queue
    // that the request's way upstream takes, cold after a pause.
    const key = this.keys.get(hash) ?? (await this.findKey(hash));
    if (!key) throw new GatewayError('invalid_api_key', 'Incorrect API key provided.');
    if (key.revokedAt !== null) throw new GatewayError('invalid_api_key', 'This API key has been revoked.');
    if (key.expiresAt !== null && key.expiresAt <= this.now()) throw new GatewayError('invalid_api_key', 'This API key has expired.');
    const account = this.cachedAccount(key.accountId) ?? (await this.loadAccount(key.accountId));
    if (!account || account.disabled) throw new GatewayError('invalid_api_key', 'The account of this API key is disabled.');
    return { key, account };
  }

  /** Fetches keys changed since the last poll and replaces the cached copies. */
  async poll(): Promise<void> {
    const startedAt = this.now();
    // Look back one extra interval so an update committed during the previous poll is not missed.
    const changed = await this.store.listApiKeysUpdatedSince(this.lastPoll - this.pollIntervalMs);
    for (const key of changed) if (this.keys.has(key.hash)) this.keys.set(key.hash, key);
    this.lastPoll = startedAt;
  }

  /** Forgets cached state of an account so the next request reads it afresh (after a top-up, say). */
  invalidateAccount(accountId: string): void {
    this.accounts.delete(accountId);
  }

  /** A key not in memory: from the store, or null while it is remembered as unknown. */
  private async findKey(hash: string): Promise<ApiKeyRecord | null> {
    const since = this.unknownSince.get(hash);
    if (since !== undefined && this.now() - since < this.pollIntervalMs) return null;
    const key = await this.store.findApiKeyByHash(hash);
    if (key) {
      this.keys.set(hash, key);
      this.unknownSince.delete(hash);
    } else {
      this.rememberUnknown(hash);
    }
    return key;
  }

  /** The account from memory, refreshed behind the request once stale; undefined when not in memory. */
  private cachedAccount(accountId: string): AccountRecord | undefined {
    const cached = this.accounts.get(accountId);
    if (cached === undefined) return undefined;
    if (this.now() - cached.loadedAt > this.accountMaxAgeMs && !cached.refreshing) {
      // Serve the cached copy now and refresh behind it: the request path never waits on the store.
      // On the next turn of the event loop, so that an embedded store's synchronous read runs after
      // this request has gone upstream: undici writes a request on an idle keep-alive connection
      // from an immediate of this turn (after checking the connection), so an immediate of ours,
      // queued first, would run before that write.
      cached.refreshing = true;
      setTimeout(() => this.refreshAccount(accountId, cached), 0);
    }
    return cached.account;
  }

  private async loadAccount(accountId: string): Promise<AccountRecord | null> {
    const account = await this.store.findAccountById(accountId);
    if (account) this.accounts.set(accountId, { account, loadedAt: this.now(), refreshing: false });
    return account;
  }

  private refreshAccount(accountId: string, cached: CachedAccount): void {
    this.store
      .findAccountById(accountId)
      .then((account) => {
        if (account) this.accounts.set(accountId, { account, loadedAt: this.now(), refreshing: false });
        else this.accounts.delete(accountId);
      })
      .catch(() => {
        cached.refreshing = false;
      });
  }

  private rememberUnknown(hash: string): void {
    if (this.unknownSince.size > 10_000) this.unknownSince.clear();
    this.unknownSince.set(hash, this.now());
  }
}
