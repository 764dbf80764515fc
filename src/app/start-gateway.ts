import path from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, ConfigManager, loadOrCreateSecret, readServerSettings, type ModelConfig, type ServerSettings } from '../config/index.js';
import { parseDatabaseUrl } from '../store/database-url.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { ApiKeyAuthenticator } from '../accounts/api-key-authenticator.js';
import { ChatPipeline } from '../pipeline/chat-pipeline.js';
import type { AttemptFailureListener } from '../pipeline/attempt-with-failover.js';
import { EmbeddingPipeline } from '../pipeline/embedding-pipeline.js';
import { SettlementWriter } from '../metering/settlement-writer.js';
import { SettlementJournal, journalDirectory } from '../metering/settlement-journal.js';
import { preloadTokenizer } from '../metering/estimate-tokens.js';
import { startCreditLedger } from '../credit/start-credit-ledger.js';
import { KeyGovernance, openRateLimitRedis } from '../accounts/key-governance.js';
import { KyselyPriceOverrideStore } from '../store/kysely-price-override-store.js';
import { loadPriceOverrides, priceOverridesAsModelConfigs } from '../metering/load-price-overrides.js';
import type { CatalogApiContext } from '../catalog/catalog-api-context.js';
import { AccountFeatures } from './account-features.js';
import { ChannelHealth } from '../routing/channel-health.js';
import { ChannelProber } from '../routing/channel-prober.js';
import { runChannelTest } from '../routing/run-channel-test.js';
import { registerAdminChannelRoutes } from '../http/routes/admin-channel-routes.js';
import { createAccountPolicy } from './account-policy.js';
import { createHttpServer, documentedRoutes } from '../http/create-http-server.js';
import type { GatewayServices } from '../http/gateway-services.js';
import { GatewayMetrics } from '../observability/gateway-metrics.js';
import { closeUpstreamPools } from '../providers/http/index.js';
import { ProviderRegistry } from '../providers/registry.js';
import { bootstrapAdmin, type BootstrappedAdmin } from './bootstrap-admin.js';
import { buildRoutingState, type RoutingState } from './routing-state.js';
import { loadCatalogSnapshot } from '../catalog/load-catalog-snapshot.js';
import { catalogApiContext } from './catalog-api-context.js';
import { createLogger } from './create-logger.js';
import type { GatewayWorkerRole } from '../cluster/gateway-worker-role.js';

export interface GatewayOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logger?: Logger;
  /** Reload on SIGHUP and shut down on SIGTERM/SIGINT (the `serve` command); off in tests. */
  handleSignals?: boolean;
  /** Set in each worker process of `SWITCHYARD_WORKERS` > 1 (see `src/cluster`); absent in a lone process. */
  worker?: GatewayWorkerRole;
}

export interface RunningGateway {
  url: string;
  /** `METHOD /path` of every HTTP route served. */
  routes: string[];
  /** Master secret: encrypts upstream credentials at rest and signs sessions. */
  secret: string;
  port: number;
  settings: ServerSettings;
  config: ConfigManager;
  store: Store;
  services: GatewayServices;
  admin: BootstrappedAdmin | null;
  /** Graceful stop: refuse new work, let streams finish (up to the grace period), flush, close. */
  close(): Promise<void>;
}

/** The composition root: reads settings, wires every concrete class, and starts listening. */
export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const logger = options.logger ?? createLogger();
  const settings = readServerSettings(env, cwd);
  const dataDir = path.resolve(cwd, settings.dataDir);
  const snapshot = loadCatalogSnapshot();
  const providers = new ProviderRegistry(snapshot.providers);

  const config = new ConfigManager({ configPath: settings.configPath, env, providers: providers.definitions(), logger });
  // Channel health outlives configurations: a reload keeps what was learnt about each channel.
  const health = new ChannelHealth({ breaker: config.current().routing.breaker, logger });

  const secret = resolveSecret(settings, dataDir);
  let storeQueries = 0;
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir, onQuery: () => void (storeQueries += 1) });
  // A worker's primary has migrated the store and created the admin before starting it.
  if (!options.worker) await store.migrate();
  const admin = options.worker ? null : await bootstrapAdmin(store, settings.adminEmail, settings.adminPassword);

  // Prices set in the admin API come after the config file's, so they win.
  let adminPrices: ModelConfig[] = [];
  let routing: RoutingState;
  let catalogView: CatalogApiContext;
  const rebuildRouting = () => {
    const current = config.current();
    health.configure(current.routing.breaker);
    routing = buildRoutingState({ ...current, models: [...current.models, ...adminPrices] }, snapshot, providers.byId(), health);
    catalogView = catalogApiContext(routing);
  };
  const loadAdminPrices = async () => {
    const creatorOf = (modelId: string) => snapshot.models.find((model) => model.id === modelId)?.creator;
    adminPrices = priceOverridesAsModelConfigs(await loadPriceOverrides(new KyselyPriceOverrideStore(store.database)), creatorOf);
    rebuildRouting();
  };
  await loadAdminPrices();
  config.onChange(rebuildRouting);

  const journal = new SettlementJournal({
    directory: options.worker?.journalDirectory ?? journalDirectory(dataDir),
    onSyncError: (error) => logger.error({ err: error }, 'journal sync failed'),
  });
  // The HTTP layer counts the requests in flight here.
  const activity = { inFlight: 0 };
  const settlements = new SettlementWriter({
    store,
    journal,
    // A lone request's record cannot share a write with another's, so it is written at once.
    writeAtOnce: () => activity.inFlight <= 1,
    ...(env.SWITCHYARD_SETTLEMENT_FLUSH_MS ? { flushIntervalMs: Number(env.SWITCHYARD_SETTLEMENT_FLUSH_MS) } : {}),
    onError: (error) => logger.error({ err: error }, 'settlement store write failed; will retry'),
  });
  await settlements.start();
  const settlementSink = options.worker?.attachWriter(settlements) ?? settlements;
  const credit = await startCreditLedger({
    store,
    writer: settlements,
    dataDir,
    ...(settings.redisUrl ? { redisUrl: settings.redisUrl } : {}),
    ...(env.SWITCHYARD_REDIS_PREFIX ? { redisPrefix: env.SWITCHYARD_REDIS_PREFIX } : {}),
    logger,
    ...options.worker?.credit,
  });
  const authenticator = new ApiKeyAuthenticator(store);
  authenticator.start();
  const redis = settings.redisUrl ? openRateLimitRedis(settings.redisUrl) : null;
  const governance = options.worker?.keyGovernance ?? new KeyGovernance({ redis, logger });
  const features = new AccountFeatures({
    store,
    config,
    authenticator,
    logger,
    pendingCharges: (accountId) => settlements.pendingCharges(accountId),
    flushSettlements: () => settlementSink.flush(),
    ...(options.worker ? { loginThrottle: options.worker.loginThrottle } : {}),
    catalogView: () => catalogView,
    channelNames: () => config.current().channels.map((channel) => channel.name),
    onPricesChanged: () => void loadAdminPrices().catch((error: unknown) => logger.error({ err: error }, 'reloading admin prices failed')),
    onCredited: (accountId) => credit.accountChanged(accountId),
  });
  await features.start();
  settlements.addStoredListener?.((stored) => features.noteSettled(stored));

  // The tokenizer takes a moment to load: pay it at start, not on the first unmetered request.
  preloadTokenizer();
  const metrics = new GatewayMetrics({ collectDefaults: true });
  // Adapters scrub credentials from their messages, so an attempt's error is safe to log.
  const onAttemptFailure: AttemptFailureListener = (attempt, error) =>
    logger.warn(
      { channel: attempt.channel.name, model: attempt.modelId, code: error.code, upstreamStatus: error.details.upstreamStatus, retryElsewhere: error.retryElsewhere },
      `upstream attempt failed: ${error.message}`,
    );
  const planning = {
    planner: () => routing.planner,
    prices: () => routing.prices,
    ledger: credit.ledger,
    policy: createAccountPolicy(governance, features.groups),
    failover: () => ({ maxAttempts: config.current().routing.maxAttempts, health }),
    onAttemptFailure,
  };
  let shuttingDown = false;
  const services: GatewayServices = {
    authenticator,
    principals: features.principals,
    clientAddress: features.clientAddress,
    chat: new ChatPipeline({ ...planning, adapters: providers, streamHealth: health }),
    embeddings: new EmbeddingPipeline({ ...planning, adapters: providers }),
    planner: () => routing.planner,
    catalogView: () => catalogView,
    store,
    settlements: settlementSink,
    ...(options.worker ? { storedResponses: options.worker.createStoredResponses({ retentionMs: config.current().server.storedResponsesTtlMs }) } : {}),
    ledgerStore: store.ledger,
    metrics,
    logger,
    isShuttingDown: () => shuttingDown,
    bodyLimitBytes: config.current().server.bodyLimitBytes,
    streamKeepaliveMs: () => config.current().server.streamKeepaliveMs,
    storedResponsesTtlMs: config.current().server.storedResponsesTtlMs,
    activity,
  };
  // Read at scrape time from the count the HTTP layer keeps anyway, rather than a gauge moved twice per request.
  metrics.addGauge('switchyard_http_requests_in_flight', 'Requests being handled now.', () => services.activity.inFlight);
  metrics.addGauge('switchyard_settlements_queued', 'Settlements recorded but not yet in the store.', () => settlements.metrics.queued);
  metrics.addGauge('switchyard_settlements_journal_only', 'Settlements waiting in the journal on disk only (the in-memory queue was full).', () => settlements.metrics.journalOnly);
  metrics.addCounter('switchyard_settlement_batches_total', 'Settlement batches sent to the store.', () => settlements.metrics.storeCalls);
  metrics.addCounter('switchyard_settlement_batch_failures_total', 'Settlement batches the store refused or did not answer (retried).', () => settlements.metrics.failedFlushes);
  metrics.addCounter('switchyard_settlements_stored_total', 'Settlements the store confirmed.', () => settlements.metrics.flushedTotal);
  metrics.addCounter(
    'switchyard_store_queries_total',
    'Queries run on the main database connection (on SQLite the settlement batches run on a thread of their own and are not counted here).',
    () => storeQueries,
  );

  const prober = new ChannelProber({
    health,
    logger,
    intervalMs: config.current().routing.probeIntervalMs,
    test: async (channelId) => {
      const route = routing.planner.testRoute(channelId);
      return route ? runChannelTest(route, { adapters: providers }) : null;
    },
  });
  prober.start();
  const app = createHttpServer(services, [
    (server) => features.registerRoutes(server),
    (server) => registerAdminChannelRoutes(server, { principals: features.principals, planner: () => routing.planner, health, adapters: providers, logger }),
  ], { responseHeaders: options.worker?.responseHeaders ?? {} });
  // Node's default backlog (511) overflows when thousands of clients connect at once (streams
  // opened together); the kernel caps it at net.core.somaxconn anyway.
  await app.listen({ host: settings.host, port: settings.port, backlog: 4096 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      shuttingDown = true;
      const graceMs = config.current().server.shutdownGraceMs;
      const serverClosed = app.close();
      const deadline = Date.now() + graceMs;
      while (services.activity.inFlight > 0 && Date.now() < deadline) await delay(50);
      app.server.closeAllConnections();
      await serverClosed;
      authenticator.stop();
      prober.stop();
      await settlements.close();
      await credit.close();
      await features.stop();
      await governance.close();
      redis?.disconnect();
      await store.close();
      await closeUpstreamPools();
      logger.info('switchyard stopped');
      logger.flush?.();
    })();
    return closing;
  };

  if (options.handleSignals) {
    config.watchSignal('SIGHUP', logger);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        logger.info({ signal }, 'shutting down: finishing requests in flight');
        void close().then(
          () => process.exit(0),
          (error) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      });
    }
  }

  return { url, routes: documentedRoutes(app), secret, port, settings, config, store, services, admin, close };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The master secret: from SWITCHYARD_SECRET, or generated once into the data folder. Several
 * instances share a PostgreSQL database, so there it must be given: a secret generated per
 * machine would differ between them.
 */
function resolveSecret(settings: ServerSettings, dataDir: string): string {
  if (settings.secret) return settings.secret;
  if (parseDatabaseUrl(settings.databaseUrl, dataDir).dialect === 'postgres') {
    throw new ConfigError('SWITCHYARD_SECRET is required with a PostgreSQL DATABASE_URL');
  }
  return loadOrCreateSecret(dataDir);
}
