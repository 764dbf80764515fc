/**
 * `serve` with `SWITCHYARD_WORKERS` = N > 1: this process does the one-time work, starts N
 * worker processes with node:cluster that all listen on the same address, keeps the state they
 * share (`PrimaryHub`), starts a worker again when one dies (after a delay that grows while it
 * keeps dying young), passes SIGHUP on to every worker, and on SIGTERM/SIGINT lets every worker
 * finish its requests, then exits 0.
 *
 * The first worker is started alone and the others once it listens: a configuration that cannot
 * start then fails once, with that worker's reason, instead of N times.
 */
import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';
import type { Logger } from 'pino';
import type { BootstrappedAdmin } from '../app/bootstrap-admin.js';
import type { ServerSettings } from '../config/index.js';
import { prepareStoreForWorkers } from './primary-startup.js';
import { PrimaryHub, type WorkerLink } from './primary-hub.js';
import { WORKER_INDEX_VARIABLE } from './worker-protocol.js';

export interface StartedPrimary {
  url: string;
  admin: BootstrappedAdmin | null;
}

/** A worker that dies is started again after this, doubled each time it dies young again. */
const FIRST_RESTART_DELAY_MS = 250;
const LONGEST_RESTART_DELAY_MS = 10_000;
/** A worker that lived this long died of something new: its next start waits the first delay again. */
const HEALTHY_LIFETIME_MS = 30_000;

interface Slot {
  index: number;
  worker: Worker | null;
  startedAt: number;
  restartDelayMs: number;
}

export async function startPrimary(settings: ServerSettings, cwd: string, logger: Logger): Promise<StartedPrimary> {
  const dataDir = path.resolve(cwd, settings.dataDir);
  const { store, admin } = await prepareStoreForWorkers(settings, dataDir, settings.workers, logger);
  const slots: Slot[] = Array.from({ length: settings.workers }, (_, offset) => ({
    index: offset + 1,
    worker: null,
    startedAt: 0,
    restartDelayMs: FIRST_RESTART_DELAY_MS,
  }));
  let stopping = false;
  let startingUp = true;
  /** Clean-ups after workers that ended, which use the store: awaited before it closes. */
  const cleanups = new Set<Promise<void>>();
  const listening = new Map<number, (port: number) => void>();
  const hub = new PrimaryHub({
    store,
    dataDir,
    keepSharedState: !settings.redisUrl,
    logger,
    onListening: (link, port) => listening.get(link.index)?.(port),
  });
  hub.start();

  const startWorker = (slot: Slot): Promise<number> => {
    const worker = cluster.fork({ [WORKER_INDEX_VARIABLE]: String(slot.index) });
    slot.worker = worker;
    slot.startedAt = Date.now();
    // A send racing the worker's end fails in its callback, instead of as an 'error' event nobody handles.
    const link = hub.connect(String(worker.id), slot.index, (message) => worker.send(message as object, ignoreClosedChannel));
    worker.on('message', (message: unknown) => link.peer.receive(message));
    worker.once('disconnect', () => link.peer.close('the worker process ended'));
    worker.once('exit', (code, signal) => {
      const cleanup = onWorkerExit(slot, worker, link, code, signal).finally(() => cleanups.delete(cleanup));
      cleanups.add(cleanup);
    });
    return new Promise<number>((resolve, reject) => {
      listening.set(slot.index, (port) => {
        listening.delete(slot.index);
        resolve(port);
      });
      worker.once('exit', (code, signal) => reject(new WorkerStartError(slot.index, code, signal)));
    });
  };

  const onWorkerExit = async (slot: Slot, worker: Worker, link: WorkerLink, code: number | null, signal: string | null) => {
    if (slot.worker === worker) slot.worker = null;
    if (!stopping && !startingUp) logger.warn({ worker: slot.index, pid: worker.process.pid, code, signal }, 'worker process ended; starting it again');
    for (;;) {
      try {
        await hub.disconnect(link);
        break;
      } catch (error) {
        // Its journal cannot be stored yet (the store is down): the index stays unused until then.
        logger.error({ err: error, worker: slot.index }, 'cleaning up after a worker failed; will retry');
        if (stopping) return;
        await delay(slot.restartDelayMs);
      }
    }
    if (stopping || startingUp) return;
    const lived = Date.now() - slot.startedAt;
    slot.restartDelayMs = lived >= HEALTHY_LIFETIME_MS ? FIRST_RESTART_DELAY_MS : Math.min(slot.restartDelayMs * 2, LONGEST_RESTART_DELAY_MS);
    await delay(slot.restartDelayMs);
    if (stopping) return;
    startWorker(slot).catch((error: unknown) => logger.error({ err: error }, 'a restarted worker stopped before listening'));
  };

  const stop = async (): Promise<void> => {
    stopping = true;
    const running = slots.map((slot) => slot.worker).filter((worker): worker is Worker => worker !== null);
    const ended = running.map((worker) => new Promise<void>((resolve) => (worker.isDead() ? resolve() : worker.once('exit', () => resolve()))));
    // Each worker stops taking requests, finishes those in flight, stores its journal and exits.
    for (const worker of running) worker.process.kill('SIGTERM');
    await Promise.all(ended);
    while (cleanups.size > 0) await Promise.all([...cleanups]);
    await hub.close();
    await store.close();
  };

  let port: number;
  try {
    const [first, ...rest] = slots;
    port = await startWorker(first!);
    await Promise.all(rest.map((slot) => startWorker(slot)));
  } catch (error) {
    await stop();
    throw error;
  }
  startingUp = false;
  handleSignals(slots, stop, logger);
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return { url: `http://${host}:${port}`, admin };
}

function handleSignals(slots: readonly Slot[], stop: () => Promise<void>, logger: Logger): void {
  process.on('SIGHUP', () => {
    for (const slot of slots) slot.worker?.process.kill('SIGHUP');
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down: every worker finishes its requests in flight');
      stop().then(
        () => {
          logger.info('switchyard stopped');
          logger.flush?.();
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          logger.flush?.();
          process.exit(1);
        },
      );
    });
  }
}

/** A worker ended before it listened (a configuration that cannot start, a port in use…). */
export class WorkerStartError extends Error {
  /** The worker's exit code, for the primary's own (the worker has said why on stderr). */
  readonly exitCode: number;

  constructor(index: number, code: number | null, signal: string | null) {
    super(`worker ${index} stopped before it listened (${signal ?? `exit code ${code}`})`);
    this.name = 'WorkerStartError';
    this.exitCode = code !== null && code !== 0 ? code : 1;
  }
}

/** The worker is gone: what was not sent no longer matters (its journal is stored without it). */
function ignoreClosedChannel(): void {}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
