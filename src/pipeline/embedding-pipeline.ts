import { GatewayError, type EmbeddingRequest, type EmbeddingResponse, type Usage } from '../core/index.js';
import type { Caller } from '../accounts/api-key-authenticator.js';
import { computeCost } from '../metering/compute-cost.js';
import { countTextTokens } from '../metering/estimate-tokens.js';
import { attemptWithFailover, type AttemptFailureListener } from './attempt-with-failover.js';
import { admitAndPlan, type PlanningDependencies } from './admit-and-plan.js';
import { answeredFacts, buildSettlement, failureFacts, type RequestContext } from './generation-outcome.js';
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

/** The request path of an embedding: admit → plan → attempt with failover → settle. */
export class EmbeddingPipeline {
  private readonly now: () => number;

  constructor(private readonly deps: EmbeddingPipelineDependencies) {
    this.now = deps.now ?? Date.now;
  }

  async embed(caller: Caller, request: EmbeddingRequest, context: RequestContext): Promise<CompletedEmbedding> {
    try {
      const routes = admitAndPlan(this.deps, caller, [request.model]);
      const result = await attemptWithFailover(routes, context.signal, (attempt) => {
        const adapter = this.deps.adapters.adapterFor(attempt.channel.provider);
        if (!adapter?.embed) {
          throw new GatewayError('upstream_error', `Provider '${attempt.channel.provider}' offers no embeddings.`, {
            retryElsewhere: true,
          });
        }
        return adapter.embed(request, attempt.target, context.signal);
      }, this.deps.onAttemptFailure);
      const usage: Usage = {
        inputTokens: result.value.usage.source === 'upstream' ? result.value.usage.inputTokens : countInputTokens(request),
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 0,
        reasoningTokens: 0,
        source: result.value.usage.source,
      };
      const price = this.deps.prices().priceFor(result.attempt.modelId, result.attempt.channel.provider, result.attempt.channel.name);
      const cost = price ? computeCost(usage, price) : 0n;
      const settlement = buildSettlement(caller, context, answeredFacts(result, usage, cost), this.now());
      this.deps.settlements.record(settlement);
      return { response: result.value, cost, attempts: result.attempts };
    } catch (error) {
      const facts = failureFacts(request.model, error, false, context.signal.aborted);
      this.deps.settlements.record(buildSettlement(caller, context, facts, this.now()));
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
