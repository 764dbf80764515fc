/**
 * Releases holds whose request can no longer end: those of a gateway process that died (a crash,
 * `kill -9`, a lost machine). Without this the held amount would stay out of the balance forever.
 */
import type { LedgerStore } from '../store/ledger-store.js';

export interface HoldReconcilerOptions {
  store: Pick<LedgerStore, 'listOpenHolds' | 'releaseHolds'>;
  now?: () => number;
}

export class HoldReconciler {
  private readonly now: () => number;

  constructor(private readonly options: HoldReconcilerOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * At start, once the journal is replayed: releases the holds of earlier runs — of the named
   * processes, or every open hold when this process is the only gateway (no Redis). Their requests
   * died with their process, so each is logged as an interrupted generation.
   */
  async releaseAtStart(scope: { instanceIds: string[] } | 'all'): Promise<number> {
    const holds = await this.options.store.listOpenHolds(scope === 'all' ? {} : { instanceIds: scope.instanceIds });
    if (holds.length === 0) return 0;
    return this.options.store.releaseHolds(
      holds.map((hold) => hold.generationId),
      { note: 'released at start: the gateway process that held it had stopped', at: this.now(), recordInterrupted: true },
    );
  }

  /**
   * Several gateways: releases holds older than `olderThanMs` whose process is no longer alive.
   * Its generation is not logged here: should the process still be alive after all, its own
   * settlement will log it (and find the hold already released).
   */
  async releaseAbandoned(isAlive: (instanceId: string) => Promise<boolean>, olderThanMs: number, ownInstanceId: string): Promise<number> {
    const holds = await this.options.store.listOpenHolds({ createdBefore: this.now() - olderThanMs });
    const dead: string[] = [];
    const alive = new Map<string, boolean>();
    for (const hold of holds) {
      if (hold.instanceId === ownInstanceId) continue;
      let known = alive.get(hold.instanceId);
      if (known === undefined) {
        known = await isAlive(hold.instanceId);
        alive.set(hold.instanceId, known);
      }
      if (!known) dead.push(hold.generationId);
    }
    if (dead.length === 0) return 0;
    return this.options.store.releaseHolds(dead, {
      note: 'released after its gateway process stopped answering',
      at: this.now(),
      recordInterrupted: false,
    });
  }
}
