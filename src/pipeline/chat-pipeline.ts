import {
  GatewayError,
  type ChatRequest,
  type ChatResponse,
  type StreamEvent,
  type Usage,
} from '../core/index.js';
import type { Caller } from '../accounts/api-key-authenticator.js';
import type { RoutePlanner, RouteAttempt } from '../routing/route-planner.js';
import type { PriceResolver } from '../metering/price-resolver.js';
import { computeCost } from '../metering/compute-cost.js';
import { attemptWithFailover, type AttemptFailureListener } from './attempt-with-failover.js';
import { admitAndPlan } from './admit-and-plan.js';
import { answeredFacts, buildSettlement, failureFacts, type RequestContext } from './generation-outcome.js';
import type { AdapterLookup, SettlementSink } from './pipeline-ports.js';
import { StreamUsageCounter } from '../metering/stream-usage-counter.js';
import { StreamMeter } from './stream-meter.js';

export interface ChatPipelineDependencies {
  planner: () => RoutePlanner;
  prices: () => PriceResolver;
  adapters: AdapterLookup;
  settlements: SettlementSink;
  /** Told of each failed upstream attempt (failover continues or gives up after it). */
  onAttemptFailure?: AttemptFailureListener;
  now?: () => number;
}

export interface CompletedChat {
  response: ChatResponse;
  usage: Usage;
  cost: bigint;
  attempts: number;
}

/** A stream the upstream accepted. Iterate `events`, then call `finish` exactly once. */
export interface ChatStreamSession {
  events: AsyncIterable<StreamEvent>;
  attempts: number;
  /** Records the request (once) and returns what it cost, for the final usage chunk. */
  finish(ending: 'completed' | 'client_closed'): { usage: Usage | null; cost: bigint };
}

/**
 * The request path of a chat completion: admit (key allowlist, credit) → plan routes → attempt
 * with failover → meter → settle. Every path out of here records the request exactly once.
 */
export class ChatPipeline {
  private readonly now: () => number;

  constructor(private readonly deps: ChatPipelineDependencies) {
    this.now = deps.now ?? Date.now;
  }

  async complete(caller: Caller, request: ChatRequest, context: RequestContext): Promise<CompletedChat> {
    try {
      const routes = this.plan(caller, request);
      const result = await attemptWithFailover(
        routes,
        context.signal,
        (attempt) => this.adapter(attempt).chat(request, attempt.target, context.signal),
        this.deps.onAttemptFailure,
      );
      const usage = result.value.usage ?? this.estimateResponseUsage(request, result.value);
      const cost = this.cost(usage, result.attempt);
      this.deps.settlements.record(buildSettlement(caller, context, answeredFacts(result, usage, cost), this.now()));
      return { response: result.value, usage, cost, attempts: result.attempts };
    } catch (error) {
      this.recordFailure(caller, request, context, error, false);
      throw error;
    }
  }

  async openStream(caller: Caller, request: ChatRequest, context: RequestContext): Promise<ChatStreamSession> {
    let opened;
    try {
      const routes = this.plan(caller, request);
      opened = await attemptWithFailover(
        routes,
        context.signal,
        (attempt) => this.adapter(attempt).chatStream(request, attempt.target, context.signal),
        this.deps.onAttemptFailure,
      );
    } catch (error) {
      this.recordFailure(caller, request, context, error, true);
      throw error;
    }
    const meter = new StreamMeter(request, this.now);
    let finished = false;
    const finish = (ending: 'completed' | 'client_closed') => {
      if (finished) throw new Error('stream already settled');
      finished = true;
      // Without upstream usage (cut off, or a client that left) the produced text is counted.
      const usage = meter.usage();
      const cost = usage ? this.cost(usage, opened.attempt) : 0n;
      const failed = meter.error !== null;
      const facts = answeredFacts(opened, usage, cost, {
        status: ending === 'client_closed' ? 'cancelled' : failed ? 'error' : 'success',
        httpStatus: ending === 'client_closed' ? 499 : 200,
        errorCode: meter.error?.error.code ?? null,
        stream: true,
        ttftMs: meter.firstTokenAt === null ? null : meter.firstTokenAt - context.startedAt,
      });
      this.deps.settlements.record(buildSettlement(caller, context, facts, this.now()));
      return { usage, cost };
    };
    return { events: metered(opened.value.events, meter), attempts: opened.attempts, finish };
  }

  /** Fallback models are tried after every channel of the model before them has failed. */
  private plan(caller: Caller, request: ChatRequest): RouteAttempt[] {
    return admitAndPlan(this.deps, caller, [request.model, ...(request.fallbackModels ?? [])]);
  }

  private adapter(attempt: RouteAttempt) {
    const adapter = this.deps.adapters.adapterFor(attempt.channel.provider);
    if (!adapter) {
      throw new GatewayError('upstream_error', `No adapter is registered for provider '${attempt.channel.provider}'.`, {
        retryElsewhere: true,
      });
    }
    return adapter;
  }

  /** Billed at the price of the model, provider and channel that answered (a fallback may differ). */
  private cost(usage: Usage, attempt: RouteAttempt): bigint {
    const price = this.deps.prices().priceFor(attempt.modelId, attempt.channel.provider, attempt.channel.name);
    return price ? computeCost(usage, price) : 0n;
  }

  private estimateResponseUsage(request: ChatRequest, response: ChatResponse): Usage {
    const counter = new StreamUsageCounter(request);
    for (const part of response.choices.flatMap((choice) => choice.content)) {
      if (part.type === 'text') counter.addOutputText(part.text);
      else if (part.type === 'reasoning') counter.addReasoningText(part.text);
      else if (part.type === 'tool_call') counter.addOutputText(part.name + part.arguments);
    }
    return counter.finish();
  }

  private recordFailure(caller: Caller, request: ChatRequest, context: RequestContext, error: unknown, stream: boolean): void {
    const facts = failureFacts(request.model, error, stream, context.signal.aborted);
    this.deps.settlements.record(buildSettlement(caller, context, facts, this.now()));
  }
}

async function* metered(events: AsyncIterable<StreamEvent>, meter: StreamMeter): AsyncGenerator<StreamEvent> {
  for await (const event of events) {
    meter.observe(event);
    yield event;
  }
}
