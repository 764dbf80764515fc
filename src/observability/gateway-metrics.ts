import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { collectProcessMetrics } from './process-metrics.js';

interface AnsweredRecorder {
  count(): void;
  observe(seconds: number): void;
}

/** Prometheus metrics of the gateway, on a registry of its own (several gateways per process in tests). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'switchyard_http_requests_total',
    help: 'HTTP requests answered, by route and status.',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'switchyard_http_request_duration_seconds',
    help: 'Time to answer (streams: to the end of the stream).',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.025, 0.1, 0.5, 1, 2.5, 10, 30, 120],
    registers: [this.registry],
  });

  /**
   * Label lookups hash their values on every call; the few route × status pairs are kept, by
   * route, then status, so that no key string is built per request.
   */
  private readonly answeredByRoute = new Map<string, Map<number, AnsweredRecorder>>();
  private answeredPairs = 0;

  /** Counts one answered request and its duration. */
  recordAnswered(route: string, status: number, seconds: number): void {
    let byStatus = this.answeredByRoute.get(route);
    let recorder = byStatus?.get(status);
    if (recorder === undefined) {
      const counter = this.requests.labels(route, String(status));
      const histogram = this.duration.labels(route);
      recorder = { count: () => counter.inc(), observe: (value) => histogram.observe(value) };
      if (this.answeredPairs < 1_000) {
        if (byStatus === undefined) {
          byStatus = new Map();
          this.answeredByRoute.set(route, byStatus);
        }
        byStatus.set(status, recorder);
        this.answeredPairs += 1;
      }
    }
    recorder.count();
    recorder.observe(seconds);
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
