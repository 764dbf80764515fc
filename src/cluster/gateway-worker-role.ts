/**
 * What `startGateway` does differently in a worker of `SWITCHYARD_WORKERS` > 1: the primary has
 * migrated the store and created the admin already; the worker writes its own journal; and the
 * state every worker must see the same is reached through the primary (or Redis).
 */
import type { KeyGovernance } from '../accounts/key-governance.js';
import type { LoginThrottle } from '../accounts/login-throttle.js';
import type { CreditReservations } from '../credit/credit-reservations.js';
import type { StoredResponses, StoredResponsesOptions } from '../dialects/openai-responses/stored-responses.js';
import type { SettlementWriter } from '../metering/settlement-writer.js';
import type { SettlementSink } from '../pipeline/pipeline-ports.js';

export interface GatewayWorkerRole {
  /** 1…N, kept by a worker restarted in the same place. */
  index: number;
  /** This worker's own journal folder (one writer per journal). */
  journalDirectory: string;
  credit: {
    /** Where this worker's instance id is kept. */
    identityDirectory: string;
    /** The primary's reservation table; absent with Redis. */
    reservations?: CreditReservations;
  };
  /** Rate-limit windows counted in the primary; absent with Redis. */
  keyGovernance?: KeyGovernance;
  /** The store of responses for `previous_response_id`, with copies of what other workers saved. */
  createStoredResponses(options: StoredResponsesOptions): StoredResponses;
  /** Failed log-ins counted across the workers. */
  loginThrottle: LoginThrottle;
  /**
   * Called once the writer has started; lets the primary pause it between batches and returns
   * the settlements view for reads, whose `flush` reaches every worker's writer (a read after a
   * write may land on another worker).
   */
  attachWriter(writer: SettlementWriter): SettlementSink;
  /** Headers every response of this worker carries (`x-switchyard-worker`). */
  responseHeaders: Readonly<Record<string, string>>;
}
