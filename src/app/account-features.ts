import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ConfigManager } from '../config/index.js';
import type { KyselyStore } from '../store/kysely-store.js';
import { isOpenedHold, type LedgerRecord } from '../store/ledger-store.js';
import type { ApiKeyAuthenticator } from '../accounts/api-key-authenticator.js';
import { SessionManager } from '../accounts/session-manager.js';
import { createClientAddressResolver, type ClientAddressResolver } from '../accounts/client-address.js';
import { AccountGroupCache } from '../accounts/account-group-cache.js';
import { LowBalanceNotifier } from '../accounts/low-balance-notifier.js';
import { usdToUnits } from '../metering/money.js';
import { KyselySessionStore } from '../store/kysely-session-store.js';
import { KyselyAccountAdminStore } from '../store/kysely-account-admin-store.js';
import { KyselyKeyGovernanceStore } from '../store/kysely-key-governance-store.js';
import { KyselyLedgerHistoryStore } from '../store/kysely-ledger-history-store.js';
import { KyselyRedemptionCodeStore } from '../store/kysely-redemption-code-store.js';
import { KyselyAccountGroupStore } from '../store/kysely-account-group-store.js';
import { KyselyPriceOverrideStore } from '../store/kysely-price-override-store.js';
import { KyselyLowBalanceStore } from '../store/kysely-low-balance-store.js';
import { KyselyUsageReportStore } from '../store/kysely-usage-report-store.js';
import { PrincipalResolver } from '../http/principal.js';
import type { CatalogApiContext } from '../catalog/catalog-api-context.js';
import { registerAuthRoutes } from '../http/routes/auth-routes.js';
import type { LoginThrottle } from '../accounts/login-throttle.js';
import { registerAdminAccountRoutes } from '../http/routes/admin-account-routes.js';
import { registerKeyRoutes } from '../http/routes/key-routes.js';
import { registerCreditRoutes } from '../http/routes/credit-routes.js';
import { registerRedemptionCodeRoutes } from '../http/routes/redemption-code-routes.js';
import { registerAccountGroupRoutes } from '../http/routes/account-group-routes.js';
import { registerPriceOverrideRoutes } from '../http/routes/price-override-routes.js';
import { registerEffectivePriceRoute } from '../http/routes/effective-price-route.js';
import { registerLowBalanceRoutes } from '../http/routes/low-balance-routes.js';
import { registerUsageRoutes } from '../http/routes/usage-routes.js';

export interface AccountFeatureDependencies {
  store: KyselyStore;
  config: ConfigManager;
  authenticator: ApiKeyAuthenticator;
  logger: Logger;
  pendingCharges: (accountId: string) => bigint;
  flushSettlements: () => Promise<void>;
  catalogView: () => CatalogApiContext;
  channelNames: () => Iterable<string>;
  /** After an admin changed price overrides: rebuild prices. */
  onPricesChanged: () => void;
  /** After credit reached an account (grant, redemption): the credit ledger re-reads its balance. */
  onCredited?: (accountId: string) => void;
  /** Failed log-ins counted beyond this process (the workers of `SWITCHYARD_WORKERS`). */
  loginThrottle?: LoginThrottle;
}

/**
 * Accounts, sessions, keys, credit, codes, groups, price overrides and usage reports: their
 * stores and services, and the routes that expose them. Built once by the composition root.
 */
export class AccountFeatures {
  readonly principals: PrincipalResolver;
  readonly sessions: SessionManager;
  readonly clientAddress: ClientAddressResolver;
  readonly groups: AccountGroupCache;
  readonly lowBalance: LowBalanceNotifier;
  readonly priceOverrides: KyselyPriceOverrideStore;
  private readonly deps: AccountFeatureDependencies;

  constructor(deps: AccountFeatureDependencies) {
    this.deps = deps;
    const db = deps.store.database;
    this.sessions = new SessionManager(new KyselySessionStore(db), deps.store, {
      onBackgroundError: (error) => deps.logger.warn({ err: error }, 'session write failed'),
    });
    this.principals = new PrincipalResolver(deps.authenticator, this.sessions);
    this.clientAddress = createClientAddressResolver(deps.config.current().server.trustProxy);
    this.groups = new AccountGroupCache(new KyselyAccountGroupStore(db), {
      onError: (error) => deps.logger.warn({ err: error }, 'account group refresh failed'),
    });
    const billing = deps.config.current().billing;
    this.lowBalance = new LowBalanceNotifier({
      store: new KyselyLowBalanceStore(db),
      webhookUrl: billing.lowBalanceWebhook,
      defaultThreshold: billing.lowBalanceThreshold === null ? null : usdToUnits(billing.lowBalanceThreshold),
      ...(billing.webhookSecret ? { signingSecret: billing.webhookSecret } : {}),
      onError: (error) => deps.logger.warn({ err: error }, 'low-balance webhook failed'),
    });
    this.priceOverrides = new KyselyPriceOverrideStore(db);
  }

  async start(): Promise<void> {
    await this.groups.start();
  }

  async stop(): Promise<void> {
    this.groups.stop();
    await this.lowBalance.whenIdle();
  }

  /** After credit reached an account: fresh balance on the next request, re-armed alert. */
  private readonly onCredited = (accountId: string): void => {
    this.deps.authenticator.invalidateAccount(accountId);
    this.deps.onCredited?.(accountId);
    void this.lowBalance.check([accountId]);
  };

  /** After a batch of charges reached the store: warn accounts that dropped below their threshold. */
  noteSettled(records: readonly LedgerRecord[]): void {
    for (const record of records) {
      if (!isOpenedHold(record) && record.charge > 0n) this.lowBalance.noteCharged(record.generation.accountId);
    }
  }

  registerRoutes(app: FastifyInstance): void {
    const { store, config, authenticator, pendingCharges } = this.deps;
    const db = store.database;
    const principals = this.principals;
    const accountAdmin = new KyselyAccountAdminStore(db);
    registerAuthRoutes(app, {
      principals,
      sessions: this.sessions,
      accounts: store,
      accountAdmin,
      signupOpen: () => config.current().auth.signup,
      pendingCharges,
      ...(this.deps.loginThrottle ? { loginThrottle: this.deps.loginThrottle } : {}),
    });
    registerAdminAccountRoutes(app, { principals, accounts: store, accountAdmin, sessions: this.sessions, apiKeyCache: authenticator });
    registerKeyRoutes(app, { principals, store, keyGovernance: new KyselyKeyGovernanceStore(db), clientAddress: this.clientAddress, apiKeyCache: authenticator });
    registerCreditRoutes(app, { principals, store, ledgerHistory: new KyselyLedgerHistoryStore(db), pendingCharges, onCredited: this.onCredited });
    registerRedemptionCodeRoutes(app, { principals, codes: new KyselyRedemptionCodeStore(db), pendingCharges, onCredited: this.onCredited });
    registerAccountGroupRoutes(app, {
      principals,
      groups: new KyselyAccountGroupStore(db),
      accounts: store,
      channelNames: this.deps.channelNames,
      onGroupsChanged: () => void this.groups.refresh().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'group refresh failed')),
    });
    registerPriceOverrideRoutes(app, {
      principals,
      prices: this.priceOverrides,
      isKnownModel: (modelId) => this.deps.catalogView().catalog.get(modelId) !== undefined,
      onPricesChanged: this.deps.onPricesChanged,
    });
    registerEffectivePriceRoute(app, {
      principals,
      priceOf: (modelId, provider) => this.deps.catalogView().ourPrice(modelId, provider),
      groupOf: (accountId) => this.groups.groupOf(accountId),
    });
    registerLowBalanceRoutes(app, {
      principals,
      lowBalance: new KyselyLowBalanceStore(db),
      accounts: store,
      defaultThreshold: config.current().billing.lowBalanceThreshold === null ? null : usdToUnits(config.current().billing.lowBalanceThreshold!),
      onThresholdChanged: (accountId) => void this.lowBalance.check([accountId]),
    });
    registerUsageRoutes(app, { principals, usage: new KyselyUsageReportStore(db), flushSettlements: this.deps.flushSettlements });
  }
}
