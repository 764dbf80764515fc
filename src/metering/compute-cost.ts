/**
 * The exact cost of one request, in money units (10^-12 USD), from its usage and our price.
 */
import type { Usage } from '../core/usage.js';
import type { ModelPrice } from './price-book.js';

export interface CostExtras {
  /** Images produced (image generation), priced per image. */
  images?: number;
}

/** A token count as a bigint: negative, fractional or non-finite upstream numbers become sane. */
function tokenCount(value: number | undefined): bigint {
  if (value === undefined || !Number.isFinite(value) || value <= 0) return 0n;
  return BigInt(Math.floor(value));
}

/**
 * cost = uncached input × input + cached × cachedInput + cache writes × cacheWrite
 *      + output (reasoning apart when priced apart) + perRequest + images × perImage,
 * where the token prices are those of the highest long-context tier the prompt exceeds.
 *
 * `Usage` counts cached and cache-write tokens inside `inputTokens`, and reasoning inside
 * `outputTokens`. An upstream that breaks this (parts larger than the total) is read so that
 * no reported token goes uncharged and no count turns negative: the total is raised to the sum
 * of its parts, which leaves zero uncached input (or zero non-reasoning output).
 */
export function computeCost(usage: Usage, price: ModelPrice, extra?: CostExtras): bigint {
  const cached = tokenCount(usage.cachedInputTokens);
  const cacheWrite = tokenCount(usage.cacheWriteTokens);
  const input = bigintMax(tokenCount(usage.inputTokens), cached + cacheWrite);
  const uncachedInput = input - cached - cacheWrite;

  const reasoning = tokenCount(usage.reasoningTokens);
  const output = bigintMax(tokenCount(usage.outputTokens), reasoning);

  const tokens = tierFor(price, input);
  let cost = uncachedInput * tokens.input + cached * tokens.cachedInput + cacheWrite * tokens.cacheWrite;
  if (price.reasoning === null) cost += output * tokens.output;
  else cost += (output - reasoning) * tokens.output + reasoning * price.reasoning;
  cost += price.perRequest;
  cost += tokenCount(extra?.images) * price.perImage;
  return cost;
}

/**
 * The largest `computeCost` of a prompt of `promptTokens` and `outputTokens` of output, over where
 * the upstream may put the prompt (all uncached, all cache writes or all cached reads: one price,
 * the dearest, of the tier the prompt reaches), with the output as reasoning when reasoning is
 * priced above output. Computed directly: building the three usages and costing each was most of
 * the work of holding credit for a request.
 */
export function worstCaseCostOf(price: ModelPrice, promptTokens: number, outputTokens: number): bigint {
  const input = tokenCount(promptTokens);
  const tokens = tierFor(price, input);
  let inputPrice = tokens.input;
  if (tokens.cacheWrite > inputPrice) inputPrice = tokens.cacheWrite;
  if (tokens.cachedInput > inputPrice) inputPrice = tokens.cachedInput;
  const outputPrice = price.reasoning !== null && price.reasoning > price.output ? price.reasoning : tokens.output;
  return input * inputPrice + tokenCount(outputTokens) * outputPrice + price.perRequest;
}

/** The token prices for a prompt of `inputTokens`: the highest tier it exceeds, else the base. */
function tierFor(price: ModelPrice, inputTokens: bigint): Pick<ModelPrice, 'input' | 'output' | 'cachedInput' | 'cacheWrite'> {
  let chosen: Pick<ModelPrice, 'input' | 'output' | 'cachedInput' | 'cacheWrite'> = price;
  for (const tier of price.tiers) {
    if (inputTokens > BigInt(tier.aboveInputTokens)) chosen = tier;
    else break;
  }
  return chosen;
}

function bigintMax(left: bigint, right: bigint): bigint {
  return left > right ? left : right;
}
