import {
  GatewayError,
  type ChatRequest,
  type ChatResponse,
  type StreamEvent,
  type Usage,
} from '../core/index.js';
import type { Caller } from '../accounts/api-key-authenticator.js';
import { callerAmount } from './caller-amount.js';
import type { RouteAttempt } from '../routing/route-planner.js';
import { computeCost } from '../metering/compute-cost.js';
import { EXACT_COUNT_BELOW_TOKENS, promptSizeOf, type PromptSize } from '../metering/prompt-size.js';
import { isPricedPlan, worstCaseCost } from '../credit/worst-case-cost.js';
import type { HoldTicket } from '../credit/hold-ledger.js';
import type { JournalWritten } from '../store/ledger-store.js';
import { attemptWithFailover, type AttemptFailureListener } from './attempt-with-failover.js';
import { admitAndPlan, type PlanningDependencies, type RoutePlan } from './admit-and-plan.js';
import { AttemptLog } from './attempt-log.js';
import { answeredFacts, buildSettlement, failureFacts, unknownClientAddress, type RequestContext } from './generation-outcome.js';
import type { AdapterLookup } from './pipeline-ports.js';
import { StreamUsageCounter } from '../metering/stream-usage-counter.js';
import { StreamMeter } from './stream-meter.js';
import { routeNeedsOf } from '../routing/route-needs.js';
import type { ChannelHealth } from '../routing/channel-health.js';
import { openStreamPastFirstEvent } from './open-stream-past-first-event.js';

export interface ChatPipelineDependencies extends PlanningDependencies {
  adapters: AdapterLookup;
  /** Told of each failed upstream attempt (failover continues or gives up after it). */
  onAttemptFailure?: AttemptFailureListener;
  /** Told how streams went after they opened: a late failure, the time to the first token. */
  streamHealth?: Pick<ChannelHealth, 'recordStreamFailure' | 'recordTimeToFirstToken'>;
  now?: () => number;
}

export interface CompletedChat {
  response: ChatResponse;
  usage: Usage;
  cost: bigint;
  attempts: number;
  /** The public id of the model that answered (a fallback model when the requested one failed). */
  model: string;
}

/** A stream the upstream accepted. Iterate `events`, then call `finish` exactly once. */
export interface ChatStreamSession {
  events: AsyncIterable<StreamEvent>;
  attempts: number;
  /** The public id of the model that answered (a fallback model when the requested one failed). */
  model: string;
  /**
   * Records the request (once) and returns what it cost, for the final usage chunk, and when its
   * record is in the journal (`written`): the stream's closing frames wait for it.
   */
  finish(ending: 'completed' | 'client_closed'): { usage: Usage | null; cost: bigint; written: JournalWritten };
}

/**
 * The request path of a chat completion: admit (key allowlist) → plan routes → hold the worst
 * case against credit and budget → attempt with failover → meter → release the hold and charge,
 * as one settlement. Every path out of here records the request exactly once.
 */
export class ChatPipeline {
  private readonly now: () => number;

  constructor(private readonly deps: ChatPipelineDependencies) {
    this.now = deps.now ?? Date.now;
  }

  async complete(caller: Caller, request: ChatRequest, context: RequestContext): Promise<CompletedChat> {
    const log = new AttemptLog(this.now, this.deps.onAttemptFailure);
    let ticket: HoldTicket | null = null;
    let settled = false;
    try {
      const prompt = promptSizeOf(request);
      const plan = this.plan(caller, request, prompt);
      const admitting = this.deps.policy?.admit(caller, { clientAddress: context.clientAddress ?? unknownClientAddress, estimatedPromptTokens: prompt.exact });
      if (admitting !== undefined) await admitting;
      ticket = await this.hold(caller, request, context, plan, prompt);
      const result = await attemptWithFailover(
        plan.routes,
        context.signal,
        log.run((attempt) => this.adapter(attempt).chat(request, attempt.target, context.signal)),
        log.onFailure,
        this.deps.failover?.(),
      );
      log.finish('success');
      const usage = result.value.usage ?? this.estimateResponseUsage(request, result.value);
      const cost = this.cost(usage, result.attempt, caller);
      settled = true;
      this.deps.policy?.recordTokens(caller, usage.inputTokens + usage.outputTokens);
      const written = this.deps.ledger.settle(buildSettlement(caller, context, answeredFacts(result, usage, cost), this.now(), log.records), ticket);
      // The answer leaves once its record is in the journal.
      if (written) await written;
      return { response: result.value, usage, cost, attempts: result.attempts, model: result.attempt.modelId };
    } catch (error) {
      if (!settled) this.recordFailure(caller, request, context, error, false, ticket, log);
      throw error;
    }
  }

  /**
   * Opens a stream with failover. `onStart` is given the session the moment the stream commits
   * (its first content read), from within the upstream reader's callback and before this
   * resolves with the same session: a caller that starts writing there sends the first token
   * without waiting for the promises of the opening to settle. It must not throw.
   */
  async openStream(
    caller: Caller,
    request: ChatRequest,
    context: RequestContext,
    onStart?: (session: ChatStreamSession) => void,
  ): Promise<ChatStreamSession> {
    const log = new AttemptLog(this.now, this.deps.onAttemptFailure);
    let ticket: HoldTicket | null = null;
    // Set from within the reader's callback (TypeScript does not see such assignments).
    let session = null as ChatStreamSession | null;
    const meter = new StreamMeter(request, this.now);
    const observe = (event: StreamEvent): void => meter.observe(event);
    try {
      const prompt = promptSizeOf(request);
      const plan = this.plan(caller, request, prompt);
      const admitting = this.deps.policy?.admit(caller, { clientAddress: context.clientAddress ?? unknownClientAddress, estimatedPromptTokens: prompt.exact });
      if (admitting !== undefined) await admitting;
      ticket = await this.hold(caller, request, context, plan, prompt);
      const held = ticket;
      await attemptWithFailover(
        plan.routes,
        context.signal,
        // Failover stays possible until the stream's first event: nothing has reached the client.
        log.run((attempt, attempts) =>
          openStreamPastFirstEvent(this.adapter(attempt).chatStream(request, attempt.target, context.signal), observe, (events) => {
            session = this.session(caller, context, { events, attempt, attempts }, meter, log, held);
            onStart?.(session);
          }),
        ),
        log.onFailure,
        this.deps.failover?.(),
      );
    } catch (error) {
      this.recordFailure(caller, request, context, error, true, ticket, log);
      throw error;
    }
    // Set when the stream committed, which is what made the attempt succeed.
    return session!;
  }

  /** The session of a stream that committed on `opened.attempt`: its events, and its settlement once they end. */
  private session(
    caller: Caller,
    context: RequestContext,
    opened: { events: AsyncIterable<StreamEvent>; attempt: RouteAttempt; attempts: number },
    meter: StreamMeter,
    log: AttemptLog,
    ticket: HoldTicket | null,
  ): ChatStreamSession {
    let finished = false;
    const finish = (ending: 'completed' | 'client_closed') => {
      if (finished) throw new Error('stream already settled');
      finished = true;
      // Without upstream usage (cut off, or a client that left) the produced text is counted.
      const usage = meter.usage();
      const cost = usage ? this.cost(usage, opened.attempt, caller) : 0n;
      if (usage) this.deps.policy?.recordTokens(caller, usage.inputTokens + usage.outputTokens);
      const failed = meter.error !== null;
      const health = this.deps.streamHealth;
      if (health && meter.error) health.recordStreamFailure(opened.attempt.channel.id, meter.error.error);
      if (health && meter.firstTokenAt !== null && log.currentAttemptStartedAt !== null) {
        health.recordTimeToFirstToken(opened.attempt.channel.id, meter.firstTokenAt - log.currentAttemptStartedAt);
      }
      const status = ending === 'client_closed' ? 'cancelled' : failed ? 'error' : 'success';
      log.finish(status, meter.error?.error ?? null);
      const facts = answeredFacts(opened, usage, cost, {
        status,
        httpStatus: ending === 'client_closed' ? 499 : 200,
        errorCode: meter.error?.error.code ?? null,
        stream: true,
        ttftMs: meter.firstTokenAt === null ? null : meter.firstTokenAt - context.startedAt,
      });
      const written = this.deps.ledger.settle(buildSettlement(caller, context, facts, this.now(), log.records), ticket);
      return { usage, cost, written };
    };
    return { events: opened.events, attempts: opened.attempts, model: opened.attempt.modelId, finish };
  }

  /** Fallback models are tried after every channel of the model before them has failed. */
  private plan(caller: Caller, request: ChatRequest, prompt: PromptSize): RoutePlan {
    return admitAndPlan(this.deps, caller, [request.model, ...(request.fallbackModels ?? [])], routeNeedsOf(request, prompt.exact, prompt.atMost));
  }

  /**
   * Holds the prompt plus the output limit, on the dearest route. A long prompt is held at its
   * cheap upper bound (counting 64 KB costs milliseconds); only if that is refused is it counted
   * exactly and tried again, so no request is refused that its exact worst case would admit.
   */
  private async hold(caller: Caller, request: ChatRequest, context: RequestContext, plan: RoutePlan, prompt: PromptSize): Promise<HoldTicket | null> {
    if (!isPricedPlan(plan.costed)) return null;
    const holdOf = (promptTokens: number) => ({
      caller,
      generationId: context.generationId,
      endpoint: context.endpoint,
      model: request.model,
      stream: request.stream === true,
      amount: callerAmount(this.deps.policy, caller, worstCaseCost(plan.costed, promptTokens, request.maxOutputTokens)),
    });
    const bound = prompt.atMost();
    if (bound < EXACT_COUNT_BELOW_TOKENS) return this.deps.ledger.hold(holdOf(prompt.exact()));
    try {
      return await this.deps.ledger.hold(holdOf(bound));
    } catch (error) {
      if (!(error instanceof GatewayError && error.code === 'insufficient_credit') || prompt.exact() === bound) throw error;
      return this.deps.ledger.hold(holdOf(prompt.exact()));
    }
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
  private cost(usage: Usage, attempt: RouteAttempt, caller: Caller): bigint {
    const price = this.deps.prices().priceFor(attempt.modelId, attempt.channel.provider, attempt.channel.name);
    return price ? callerAmount(this.deps.policy, caller, computeCost(usage, price)) : 0n;
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

  /** Nothing is charged; the hold, if one was taken, is released in the same record. */
  private recordFailure(
    caller: Caller,
    request: ChatRequest,
    context: RequestContext,
    error: unknown,
    stream: boolean,
    ticket: HoldTicket | null,
    log: AttemptLog,
  ): void {
    log.finish(context.signal.aborted ? 'cancelled' : 'error', error);
    const facts = failureFacts(request.model, error, stream, context.signal.aborted);
    this.deps.ledger.settle(buildSettlement(caller, context, facts, this.now(), log.records), ticket);
  }
}
