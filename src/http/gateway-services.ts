import type { Logger } from 'pino';
import type { ApiKeyAuthenticator } from '../accounts/api-key-authenticator.js';
import type { PrincipalResolver } from './principal.js';
import type { ClientAddressResolver } from '../accounts/client-address.js';
import type { ChatPipeline } from '../pipeline/chat-pipeline.js';
import type { EmbeddingPipeline } from '../pipeline/embedding-pipeline.js';
import type { RoutePlanner } from '../routing/route-planner.js';
import type { CatalogApiContext } from '../catalog/catalog-api-context.js';
import type { SettlementSink } from '../pipeline/pipeline-ports.js';
import type { Store } from '../store/store.js';
import type { LedgerStore } from '../store/ledger-store.js';
import type { GatewayMetrics } from '../observability/gateway-metrics.js';
import type { StoredResponses } from '../dialects/openai-responses/stored-responses.js';

/** What the HTTP layer needs from the rest of the gateway; the composition root provides it. */
export interface GatewayServices {
  authenticator: ApiKeyAuthenticator;
  /** Who calls `/api/*`: an API key or a session. */
  principals: PrincipalResolver;
  /** The client's address after trusted proxies (IP allowlists). */
  clientAddress: ClientAddressResolver;
  chat: ChatPipeline;
  embeddings: EmbeddingPipeline;
  planner: () => RoutePlanner;
  /** The public catalog as this configuration sees it (prices, availability). */
  catalogView: () => CatalogApiContext;
  store: Store;
  settlements: SettlementSink;
  ledgerStore: LedgerStore;
  metrics: GatewayMetrics;
  logger: Logger;
  /** True once shutdown began: new requests are refused, readiness fails. */
  isShuttingDown: () => boolean;
  bodyLimitBytes: number;
  /** How long a stream may be silent before the gateway sends an SSE comment. */
  streamKeepaliveMs: () => number;
  /** How long Responses API answers are kept for `previous_response_id`. */
  storedResponsesTtlMs: number;
  /** Stored Responses shared beyond this process (the workers of `SWITCHYARD_WORKERS`); else one of its own. */
  storedResponses?: StoredResponses;
  /** Requests being handled now; shutdown waits for it to reach zero. */
  activity: { inFlight: number };
}
