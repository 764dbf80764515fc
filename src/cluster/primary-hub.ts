/**
 * The primary's side of the IPC channels: the state every worker must see the same, with no
 * Redis to keep it (credit reservations and rate-limit windows), the hand-on of replicated notes,
 * flushes that reach every writer, and the clean-up after a worker died.
 */
import type { Logger } from 'pino';
import { HoldReconciler } from '../credit/hold-reconciler.js';
import type { KyselyStore } from '../store/kysely-store.js';
import { CreditAuthority } from './credit-authority.js';
import { CREDIT_ACCOUNT_CHANGED, CREDIT_LEASE, CREDIT_STORED, CREDIT_TAKE_BACK, decodeClaim, type EncodedClaim, type StoredChange } from './credit-messages.js';
import { IpcPeer, PeerGoneError } from './ipc-peer.js';
import { createSharedRateLimits, serveRateLimits } from './shared-rate-limits.js';
import { lastInstanceId, storeLeftoverJournal, workerJournalDirectory } from './worker-journals.js';
import { FLUSH_EVERY_WRITER, FLUSH_WRITER, REPLICATED_NOTES, WORKER_LISTENING, WORKER_WRITER_READY } from './worker-protocol.js';
import { WriterBarrier } from './writer-barrier.js';

export interface WorkerLink {
  /** Unique per worker process (a restarted worker gets a new one). */
  id: string;
  index: number;
  peer: IpcPeer;
  writerReady: boolean;
}

export interface PrimaryHubOptions {
  store: KyselyStore;
  dataDir: string;
  /** No Redis: reservations and rate-limit windows are kept here. */
  keepSharedState: boolean;
  logger: Logger;
  onListening: (link: WorkerLink, port: number) => void;
}

export class PrimaryHub {
  private readonly links = new Map<string, WorkerLink>();
  private readonly barrier = new WriterBarrier(() => this.writerPeers());
  private readonly authority: CreditAuthority | null;
  private readonly rateLimits;
  private readonly reconciler: HoldReconciler;

  constructor(private readonly options: PrimaryHubOptions) {
    const onError = (error: unknown) => options.logger.error({ err: error }, 'credit reservations failed; will retry');
    this.authority = options.keepSharedState
      ? new CreditAuthority({
          store: options.store.snapshotReads,
          whenIdle: (task) => this.barrier.run(task),
          workers: () => this.links.size,
          takeBack: (worker, accountId, budgetKey) => this.takeBack(worker, accountId, budgetKey),
          onError,
        })
      : null;
    this.rateLimits = options.keepSharedState ? createSharedRateLimits(options.logger) : null;
    this.reconciler = new HoldReconciler({ store: options.store.ledger });
  }

  start(): void {
    this.authority?.start();
  }

  async close(): Promise<void> {
    await this.authority?.close();
    await this.rateLimits?.flush();
  }

  /** A worker process was started: its channel, answered from now on. */
  connect(id: string, index: number, send: (message: unknown) => void): WorkerLink {
    const peer = new IpcPeer({ send, onError: (error) => this.options.logger.error({ err: error, worker: index }, 'worker channel error') });
    const link: WorkerLink = { id, index, peer, writerReady: false };
    this.links.set(id, link);
    peer.onNote(WORKER_WRITER_READY, () => {
      link.writerReady = true;
    });
    peer.onNote(WORKER_LISTENING, (port) => this.options.onListening(link, port as number));
    peer.onCall(FLUSH_EVERY_WRITER, () => this.flushEveryWriter());
    for (const note of REPLICATED_NOTES) {
      peer.onNote(note, (payload) => {
        // At once, ahead of any connection accepted after this note (see replicated-state.ts).
        for (const other of this.links.values()) {
          if (other === link) continue;
          other.peer.notify(note, payload);
          other.peer.flush();
        }
      });
    }
    if (this.authority) this.serveCredit(link, this.authority);
    if (this.rateLimits) serveRateLimits(peer, this.rateLimits);
    return link;
  }

  /**
   * A worker process ended. Without Redis its share of the reservations is taken out once its
   * journal is stored and its holds are released, all while no other writer stores a batch;
   * with Redis a worker started again at its index does that itself. Resolves when the index
   * may be used again.
   */
  async disconnect(link: WorkerLink): Promise<void> {
    this.links.delete(link.id);
    link.peer.close('the worker process ended');
    const authority = this.authority;
    if (!authority) return;
    const directory = workerJournalDirectory(this.options.dataDir, link.index);
    await this.barrier.run(async () => {
      await storeLeftoverJournal(this.options.store, directory, (error) => this.options.logger.error({ err: error }, 'storing a leftover journal failed'));
      const instanceId = lastInstanceId(directory);
      const released = instanceId ? await this.reconciler.releaseAtStart({ instanceIds: [instanceId] }) : 0;
      if (released > 0) this.options.logger.info({ holds: released, worker: link.index }, 'released holds left by a stopped gateway process');
      authority.forgetWorker(link.id);
      await authority.readSnapshots();
    });
  }

  private serveCredit(link: WorkerLink, authority: CreditAuthority): void {
    const { peer } = link;
    peer.onCall(CREDIT_LEASE, async (payload) => {
      const [claim, account, budget] = payload as [EncodedClaim, boolean, boolean];
      const grant = await authority.lease(link.id, { claim: decodeClaim(claim), account, budget });
      return [grant.account.toString(), grant.budget.toString()];
    });
    peer.onNote(CREDIT_STORED, (payload) => authority.stored(link.id, payload as StoredChange[]));
    peer.onNote(CREDIT_ACCOUNT_CHANGED, () => authority.accountChanged());
  }

  private async takeBack(worker: string, accountId: string, budgetKey: string | null): Promise<{ account: bigint; budget: bigint }> {
    const link = this.links.get(worker);
    if (!link) throw new PeerGoneError('the worker process ended');
    const [account, budget] = await link.peer.call<[string, string]>(CREDIT_TAKE_BACK, [accountId, budgetKey]);
    return { account: BigInt(account), budget: BigInt(budget) };
  }

  private async flushEveryWriter(): Promise<void> {
    const flushes = [...this.writerPeers()].map((peer) =>
      peer.call(FLUSH_WRITER).catch((error: unknown) => {
        // A worker that died meanwhile has its journal stored by `disconnect`.
        if (!(error instanceof PeerGoneError)) throw error;
      }),
    );
    await Promise.all(flushes);
  }

  private *writerPeers(): Iterable<IpcPeer> {
    for (const link of this.links.values()) if (link.writerReady && !link.peer.isGone) yield link.peer;
  }
}
