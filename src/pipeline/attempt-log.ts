import { isGatewayError, type GatewayError } from '../core/index.js';
import type { RouteAttempt } from '../routing/route-planner.js';
import type { AttemptRecord, AttemptStatus } from '../store/ledger-store.js';
import type { FailureOutcome } from '../routing/classify-failure.js';
import type { AttemptFailureListener } from './attempt-with-failover.js';

/**
 * Notes each upstream attempt of one request (channel, outcome, latency), so that its generation
 * record can be traced to every channel it tried. Wrap the attempt runner with `run` and pass
 * `onFailure` to `attemptWithFailover`; finish the last attempt with `finish`.
 */
export class AttemptLog {
  private readonly attempts: AttemptRecord[] = [];
  private current: { route: RouteAttempt; startedAt: number } | null = null;

  constructor(
    private readonly now: () => number,
    private readonly listener?: AttemptFailureListener,
  ) {}

  /** Wraps an attempt runner so each call is timed from its start. */
  run<T>(runner: (attempt: RouteAttempt, attempts: number) => Promise<T>): (attempt: RouteAttempt, attempts: number) => Promise<T> {
    return (attempt, attempts) => {
      this.current = { route: attempt, startedAt: this.now() };
      return runner(attempt, attempts);
    };
  }

  readonly onFailure: AttemptFailureListener = (attempt: RouteAttempt, error: GatewayError, outcome?: FailureOutcome) => {
    // An attempt cut short because the client left is not an upstream failure.
    this.close(attempt, outcome?.kind === 'cancelled' ? 'cancelled' : 'error', error);
    this.listener?.(attempt, error, outcome);
  };

  /** Ends the attempt in progress (the one that answered, or was cut short). */
  finish(status: AttemptStatus, error: unknown = null): void {
    if (this.current) this.close(this.current.route, status, error);
  }

  /** When the attempt in progress started (for a stream: the one that opened), for time-to-first-token per channel. */
  get currentAttemptStartedAt(): number | null {
    return this.current?.startedAt ?? null;
  }

  get records(): AttemptRecord[] {
    return [...this.attempts];
  }

  private close(route: RouteAttempt, status: AttemptStatus, error: unknown): void {
    const startedAt = this.current?.route === route ? this.current.startedAt : this.now();
    this.current = null;
    const gatewayError = isGatewayError(error) ? error : null;
    const upstreamStatus = gatewayError?.details.upstreamStatus;
    this.attempts.push({
      attempt: this.attempts.length + 1,
      channel: route.channel.name,
      provider: route.channel.provider,
      model: route.modelId,
      status,
      upstreamStatus: typeof upstreamStatus === 'number' ? upstreamStatus : null,
      errorCode: gatewayError?.code ?? (error ? 'internal_error' : null),
      errorMessage: gatewayError?.message ?? null,
      latencyMs: Math.max(0, this.now() - startedAt),
      startedAt,
    });
  }
}
