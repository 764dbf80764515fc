/**
 * Re-reads cached snapshots every interval, one read at a time: a refresh asked for while one
 * runs joins it. Shared by the credit reservations of one process and the primary's credit
 * authority, whose reads must run between settlement batches (`run` wraps them in `whenIdle`).
 */
export class PeriodicRefresh {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly options: {
      run: () => Promise<void>;
      intervalMs: number;
      onError?: (error: unknown) => void;
    },
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh().catch((error: unknown) => this.options.onError?.(error)), this.options.intervalMs);
    this.timer.unref();
  }

  refresh(): Promise<void> {
    this.running ??= this.options.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
