/**
 * The most a request can cost, held before it goes upstream: its prompt at the dearest input
 * price (plain, cache write or cache read: the upstream decides which applies), plus its output
 * limit at the dearer of the output and reasoning prices, on the dearest route of its plan (a
 * failover may land on a pricier channel or fallback model).
 */
import { worstCaseCostOf } from '../metering/compute-cost.js';
import type { ModelPrice } from '../metering/price-book.js';

/**
 * Output tokens held when neither the request nor the catalog gives a limit. The actual charge
 * may then exceed the hold: that overrun is charged all the same (contract §7 allows it).
 */
export const DEFAULT_OUTPUT_TOKENS_WHEN_UNKNOWN = 4096;

export interface CostedRoute {
  price: ModelPrice | null;
  /** The model's output limit on this route (the offer's, else the model's), or null when unknown. */
  maxOutputTokens: number | null;
}

/** True when some route charges anything; a plan of free routes needs no hold. */
export function isPricedPlan(routes: readonly CostedRoute[]): boolean {
  return routes.some(({ price }) => price !== null && (price.input > 0n || price.output > 0n || price.perRequest > 0n || (price.reasoning ?? 0n) > 0n || price.cacheWrite > 0n));
}

/** Output tokens to hold on a route: the request's limit, capped by the model's when both are known. */
export function outputTokensToHold(requested: number | undefined, modelLimit: number | null): number {
  if (requested !== undefined && requested > 0 && modelLimit !== null) return Math.min(requested, modelLimit);
  if (requested !== undefined && requested > 0) return requested;
  return modelLimit ?? DEFAULT_OUTPUT_TOKENS_WHEN_UNKNOWN;
}

export function worstCaseCost(routes: readonly CostedRoute[], promptTokens: number, requestedMaxOutput: number | undefined): bigint {
  let worst = 0n;
  for (const route of routes) {
    if (!route.price) continue;
    const cost = worstCaseCostOf(route.price, promptTokens, outputTokensToHold(requestedMaxOutput, route.maxOutputTokens));
    if (cost > worst) worst = cost;
  }
  return worst;
}
