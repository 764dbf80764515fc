import { GatewayError, type EmbeddingRequest, type EmbeddingResponse, type Usage } from '../core/index.js';
import type { Caller } from '../accounts/api-key-authenticator.js';
import { computeCost } from '../metering/compute-cost.js';
import { callerAmount } from './caller-amount.js';
import { countTextTokens } from '../metering/estimate-tokens.js';
import { isPricedPlan, worstCaseCost } from '../credit/worst-case-cost.js';
import type { HoldTicket } from '../credit/hold-ledger.js';
import { attemptWithFailover, type AttemptFailureListener } from './attempt-with-failover.js';
import { admitAndPlan, type PlanningDependencies } from './admit-and-plan.js';
import { AttemptLog } from './attempt-log.js';
import { answeredFacts, buildSettlement, failureFacts, unknownClientAddress, type RequestContext } from './generation-outcome.js';
import type { AdapterLookup } from './pipeline-ports.js';

export interface EmbeddingPipelineDependencies extends PlanningDependencies {
  adapters: AdapterLookup;
  onAttemptFailure?: AttemptFailureListener;
  now?: () => number;
}

export interface CompletedEmbedding {
  response: EmbeddingResponse;
  cost: bigint;
  attempts: number;
}

/** The request path of an embedding: admit → plan → hold → attempt with failover → settle. */
export class EmbeddingPipeline {
  private readonly now: () => number;

  constructor(private readonly deps: EmbeddingPipelineDependencies) {
    this.now = deps.now ?? Date.now;
  }

  async embed(caller: Caller, request: EmbeddingRequest, context: RequestContext): Promise<CompletedEmbedding> {
    const log = new AttemptLog(this.now, this.deps.onAttemptFailure);
    let ticket: HoldTicket | null = null;
    let settled = false;
    try {
      const plan = admitAndPlan(this.deps, caller, [request.model]);
      let inputTokens: number | null = null;
      const promptTokens = () => (inputTokens ??= countInputTokens(request));
      const admitting = this.deps.policy?.admit(caller, { clientAddress: context.clientAddress ?? unknownClientAddress, estimatedPromptTokens: promptTokens });
      if (admitting !== undefined) await admitting;
      if (isPricedPlan(plan.costed)) {
        // Embeddings produce no output tokens: the worst case is the input at the dearest price.
        const amount = callerAmount(this.deps.policy, caller, worstCaseCost(plan.costed, promptTokens(), 0));
        ticket = await this.deps.ledger.hold({
          caller,
          generationId: context.generationId,
          endpoint: context.endpoint,
          model: request.model,
          stream: false,
          amount,
        });
      }
      const run = log.run((attempt) => {
        const adapter = this.deps.adapters.adapterFor(attempt.channel.provider);
        if (!adapter?.embed) {
          throw new GatewayError('upstream_error', `Provider '${attempt.channel.provider}' offers no embeddings.`, {
            retryElsewhere: true,
          });
        }
        return adapter.embed(request, attempt.target, context.signal);
      });
      const result = await attemptWithFailover(plan.routes, context.signal, run, log.onFailure, this.deps.failover?.());
      log.finish('success');
      const usage: Usage = {
        inputTokens: result.value.usage.source === 'upstream' ? result.value.usage.inputTokens : countInputTokens(request),
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 0,
        reasoningTokens: 0,
        source: result.value.usage.source,
      };
      const price = this.deps.prices().priceFor(result.attempt.modelId, result.attempt.channel.provider, result.attempt.channel.name);
      const cost = price ? callerAmount(this.deps.policy, caller, computeCost(usage, price)) : 0n;
      settled = true;
      this.deps.policy?.recordTokens(caller, usage.inputTokens);
      const written = this.deps.ledger.settle(buildSettlement(caller, context, answeredFacts(result, usage, cost), this.now(), log.records), ticket);
      // The answer leaves once its record is in the journal.
      if (written) await written;
      return { response: result.value, cost, attempts: result.attempts };
    } catch (error) {
      if (!settled) {
        log.finish(context.signal.aborted ? 'cancelled' : 'error', error);
        const facts = failureFacts(request.model, error, false, context.signal.aborted);
        this.deps.ledger.settle(buildSettlement(caller, context, facts, this.now(), log.records), ticket);
      }
      throw error;
    }
  }
}

/** Tokens of the input when the upstream reported none: text is counted, token arrays are their length. */
function countInputTokens(request: EmbeddingRequest): number {
  let total = 0;
  for (const item of request.input) total += typeof item === 'string' ? countTextTokens(item) : item.length;
  return total;
}
