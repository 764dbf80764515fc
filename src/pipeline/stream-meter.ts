import type { ChatRequest, StreamEvent, Usage } from '../core/index.js';
import { StreamUsageCounter } from '../metering/stream-usage-counter.js';

/**
 * Watches a stream go by and keeps what billing and the request log need: the usage (the
 * upstream's, else counted from the streamed text), when the first token came, and whether the
 * stream ended in an error.
 */
export class StreamMeter {
  private readonly counter: StreamUsageCounter;
  firstTokenAt: number | null = null;
  error: Extract<StreamEvent, { type: 'error' }> | null = null;

  constructor(request: ChatRequest, private readonly now: () => number) {
    this.counter = new StreamUsageCounter(request);
  }

  observe(event: StreamEvent): void {
    if (this.firstTokenAt === null && isOutput(event)) this.firstTokenAt = this.now();
    if (event.type === 'error') this.error = event;
    this.counter.observe(event);
  }

  /** The usage to bill; null when the stream produced nothing and the upstream reported nothing. */
  usage(): Usage | null {
    if (!this.counter.upstreamUsage && !this.counter.producedOutput) return null;
    return this.counter.finish();
  }
}

function isOutput(event: StreamEvent): boolean {
  return (
    event.type === 'text-delta' ||
    event.type === 'reasoning-delta' ||
    event.type === 'refusal-delta' ||
    event.type === 'tool-call-start'
  );
}
