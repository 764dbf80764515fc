/**
 * One worker process of `SWITCHYARD_WORKERS` > 1: the whole gateway, listening on the shared
 * address, with its own journal, and the state every worker must see the same reached through
 * the primary (or Redis when `REDIS_URL` is set). It stops like a lone gateway on SIGTERM, and
 * on its own when the primary is gone.
 */
import path from 'node:path';
import { createLogger } from '../app/create-logger.js';
import { startGateway, type RunningGateway } from '../app/start-gateway.js';
import { readServerSettings } from '../config/index.js';
import type { SettlementWriter } from '../metering/settlement-writer.js';
import type { SettlementSink } from '../pipeline/pipeline-ports.js';
import type { GatewayWorkerRole } from './gateway-worker-role.js';
import { IpcCreditReservations } from './ipc-credit-reservations.js';
import { IpcPeer, PeerGoneError } from './ipc-peer.js';
import { ReplicatedLoginThrottle, ReplicatedStoredResponses } from './replicated-state.js';
import { IpcKeyGovernance } from './ipc-key-governance.js';
import { workerJournalDirectory } from './worker-journals.js';
import { FLUSH_EVERY_WRITER, FLUSH_WRITER, WORKER_INDEX_VARIABLE, WORKER_LISTENING, WORKER_WRITER_READY } from './worker-protocol.js';
import { serveWriterPauses } from './writer-barrier.js';

/** The response header naming the worker that answered: `<index>/<pid>`. */
export const WORKER_HEADER = 'x-switchyard-worker';

export async function runWorker(): Promise<void> {
  const index = Number(process.env[WORKER_INDEX_VARIABLE]);
  const settings = readServerSettings(process.env);
  const dataDir = path.resolve(process.cwd(), settings.dataDir);
  const logger = createLogger().child({ worker: index });
  const primary = new IpcPeer({
    // Without a callback, a send racing the primary's end would be an unhandled 'error' event.
    send: (message) => process.send!(message, undefined, undefined, ignoreClosedChannel),
    onError: (error) => logger.error({ err: error }, 'channel to the primary failed'),
  });
  process.on('message', (message: unknown) => primary.receive(message));

  // Without Redis, credit and rate-limit windows are kept in the primary.
  const stateInPrimary = !settings.redisUrl;
  const journalDirectory = workerJournalDirectory(dataDir, index);
  let gateway: RunningGateway | null = null;
  let releasePause: () => void = () => undefined;
  process.once('disconnect', () => {
    primary.close('the primary process stopped');
    releasePause();
    logger.warn('the primary process is gone: shutting down');
    void (gateway?.close() ?? Promise.resolve()).finally(() => process.exit(0));
  });

  const role: GatewayWorkerRole = {
    index,
    journalDirectory,
    credit: { identityDirectory: journalDirectory, ...(stateInPrimary ? { reservations: new IpcCreditReservations(primary) } : {}) },
    ...(stateInPrimary ? { keyGovernance: new IpcKeyGovernance(primary, { logger }) } : {}),
    createStoredResponses: (options) => new ReplicatedStoredResponses(primary, options),
    loginThrottle: new ReplicatedLoginThrottle(primary),
    attachWriter: (writer) => {
      releasePause = serveWriterPauses(primary, writer);
      primary.onCall(FLUSH_WRITER, () => writer.flush());
      primary.notify(WORKER_WRITER_READY);
      return everyWriterSink(primary, writer);
    },
    // On every response, streams included, which write their own head.
    responseHeaders: { [WORKER_HEADER]: `${index}/${process.pid}` },
  };

  gateway = await startGateway({ handleSignals: true, logger, worker: role });
  primary.notify(WORKER_LISTENING, gateway.port);
}

/** Reads after writes may land on another worker, so a flush for them reaches every writer. */
function everyWriterSink(primary: IpcPeer, writer: SettlementWriter): SettlementSink {
  return {
    record: (settlement) => writer.record(settlement),
    pendingCharges: (accountId) => writer.pendingCharges(accountId),
    flush: async () => {
      try {
        await primary.call(FLUSH_EVERY_WRITER);
      } catch (error) {
        if (!(error instanceof PeerGoneError)) throw error;
        await writer.flush();
      }
    },
  };
}

/** The primary is gone; the 'disconnect' handler shuts this worker down. */
function ignoreClosedChannel(): void {}

