import { Counter, Gauge, Registry } from 'prom-client';
import { AnsweredRequests } from './answered-requests.js';
import { collectProcessMetrics } from './process-metrics.js';

/** Prometheus metrics of the gateway, on a registry of its own (several gateways per process in tests). */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly answered = new AnsweredRequests({
    countName: 'switchyard_http_requests_total',
    countHelp: 'HTTP requests answered, by route and status.',
    durationName: 'switchyard_http_request_duration_seconds',
    durationHelp: 'Time to answer (streams: to the end of the stream).',
    buckets: [0.005, 0.025, 0.1, 0.5, 1, 2.5, 10, 30, 120],
  });

  /** Counts one answered request and its duration. */
  recordAnswered(route: string, status: number, seconds: number): void {
    this.answered.record(route, status, seconds);
  }

  /** Every metric in Prometheus' text format. */
  async render(): Promise<string> {
    return `${await this.registry.metrics()}\n${this.answered.render()}\n`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  constructor(options: { collectDefaults?: boolean } = {}) {
    if (options.collectDefaults) collectProcessMetrics(this.registry, 'switchyard_');
  }

  /** Adds a counter read at scrape time from a running total kept elsewhere. */
  addCounter(name: string, help: string, read: () => number): void {
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  }

  /** Adds a gauge read at scrape time (queue lengths and similar). */
  addGauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }
}
