import type { Caller } from '../accounts/api-key-authenticator.js';
import type { ModelPrice } from '../metering/price-book.js';
import type { PriceResolver } from '../metering/price-resolver.js';
import type { RoutePlanner, RouteAttempt } from '../routing/route-planner.js';
import { checkCredit, checkModelAllowed } from './admission.js';
import type { SettlementSink } from './pipeline-ports.js';

export interface PlanningDependencies {
  planner: () => RoutePlanner;
  prices: () => PriceResolver;
  settlements: SettlementSink;
}

/**
 * Admits a request and plans its routes: each named model (the requested one, then the fallbacks)
 * that the key may use and some channel serves, in order. Refuses with the first model's error
 * when none is usable, and with 402 when a priced model cannot be started on the caller's credit.
 */
export function admitAndPlan(deps: PlanningDependencies, caller: Caller, names: string[]): RouteAttempt[] {
  const planner = deps.planner();
  const routes: RouteAttempt[] = [];
  let priced = false;
  let firstError: unknown;
  for (const name of new Set(names)) {
    const resolved = planner.resolve(name);
    try {
      checkModelAllowed(caller, name, resolved.modelId);
      const planned = planner.plan(resolved);
      routes.push(...planned);
      const prices = deps.prices();
      priced ||= planned.some((route) => isPriced(prices.priceFor(route.modelId, route.channel.provider, route.channel.name)));
    } catch (error) {
      firstError ??= error;
    }
  }
  if (routes.length === 0) throw firstError;
  checkCredit(caller, deps.settlements.pendingCharges(caller.account.id), priced);
  return routes;
}

function isPriced(price: ModelPrice | null): boolean {
  if (!price) return false;
  return price.input > 0n || price.output > 0n || price.perRequest > 0n;
}
