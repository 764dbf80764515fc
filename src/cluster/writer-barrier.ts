/**
 * "Between two store batches" for several workers: pauses every worker's settlement writer
 * between its batches, runs the tasks waiting, then lets the writers go on. Requests are not
 * held up meanwhile (they only journal); the workers' batches wait for the tasks, which are
 * database reads of a millisecond or so. Tasks that arrive while a pause is being arranged run
 * in the same pause.
 */
import type { SettlementWriter } from '../metering/settlement-writer.js';
import type { IpcPeer } from './ipc-peer.js';

export const WRITER_PAUSE = 'writer.pause';
export const WRITER_RESUME = 'writer.resume';

interface WaitingTask {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class WriterBarrier {
  private waiting: WaitingTask[] = [];
  private running = false;

  /** `writers`: the peers of the workers whose writers may be storing now. */
  constructor(private readonly writers: () => Iterable<IpcPeer>) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ run: task, resolve: resolve as (value: unknown) => void, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const peers = [...this.writers()];
        // A worker that dies meanwhile is paused for good: its call fails and is ignored.
        await Promise.all(peers.map((peer) => peer.call(WRITER_PAUSE).catch(() => undefined)));
        const tasks = this.waiting;
        this.waiting = [];
        try {
          for (const task of tasks) {
            try {
              task.resolve(await task.run());
            } catch (error) {
              task.reject(error);
            }
          }
        } finally {
          for (const peer of peers) peer.notify(WRITER_RESUME);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

/**
 * A worker's side: a pause holds its writer between two batches until the resume. The answer
 * leaves after the notes of every batch stored before it (one ordered channel). Returns what
 * lets a pause go when the primary is gone.
 */
export function serveWriterPauses(primary: IpcPeer, writer: Pick<SettlementWriter, 'whenIdle'>): () => void {
  let release: (() => void) | null = null;
  primary.onCall(
    WRITER_PAUSE,
    () =>
      new Promise<void>((paused) => {
        void writer.whenIdle(
          () =>
            new Promise<void>((resume) => {
              release = resume;
              paused();
            }),
        );
      }),
  );
  const resume = () => {
    release?.();
    release = null;
  };
  primary.onNote(WRITER_RESUME, resume);
  return resume;
}
