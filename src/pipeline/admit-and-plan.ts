import type { Caller } from '../accounts/api-key-authenticator.js';
import type { SnapshotModel } from '../catalog/catalog-snapshot.js';
import type { PriceResolver } from '../metering/price-resolver.js';
import type { RoutePlanner, RouteAttempt } from '../routing/route-planner.js';
import type { CostedRoute } from '../credit/worst-case-cost.js';
import type { RequestLedger } from '../credit/hold-ledger.js';
import { checkModelAllowed } from './admission.js';
import { GatewayError } from '../core/index.js';
import type { AccountPolicy } from './pipeline-ports.js';
import type { FailoverOptions } from './attempt-with-failover.js';
import type { RouteNeeds } from '../routing/route-needs.js';

export interface PlanningDependencies {
  planner: () => RoutePlanner;
  prices: () => PriceResolver;
  /** Holds before upstream, settles after (`src/credit/hold-ledger.ts`). */
  ledger: RequestLedger;
  /** Key and account limits, group pools and multipliers; none: no such governance. */
  policy?: AccountPolicy;
  /** How failover runs: attempts at most, channel health (breakers, cooldowns). */
  failover?: () => FailoverOptions;
}

/** The routes of a request in order, each with what a hold needs to know: its price and output limit. */
export interface RoutePlan {
  routes: RouteAttempt[];
  costed: CostedRoute[];
}

/**
 * Admits a request and plans its routes: each named model (the requested one, then the fallbacks)
 * that the key may use and some channel serves, in order. Refuses with the first model's error
 * when none is usable. Credit is checked afterwards, by holding the plan's worst case.
 */
export function admitAndPlan(deps: PlanningDependencies, caller: Caller, names: string[], needs?: RouteNeeds): RoutePlan {
  const planner = deps.planner();
  const prices = deps.prices();
  const pool = deps.policy?.channelPool(caller.account.id) ?? null;
  const routes: RouteAttempt[] = [];
  const costed: CostedRoute[] = [];
  let firstError: unknown;
  for (const name of new Set(names)) {
    const resolved = planner.resolve(name);
    try {
      checkModelAllowed(caller, name, resolved.modelId, resolved.model?.creator);
      const planned = planner.plan(resolved, needs).filter((route) => pool === null || pool.has(route.channel.name));
      if (planned.length === 0) {
        throw new GatewayError('no_available_channel', `No channel available to this account serves the model '${resolved.modelId}'.`);
      }
      for (const route of planned) {
        routes.push(route);
        costed.push({
          price: prices.priceFor(route.modelId, route.channel.provider, route.channel.name),
          maxOutputTokens: outputLimit(resolved.model, route.channel.provider),
        });
      }
    } catch (error) {
      firstError ??= error;
    }
  }
  if (routes.length === 0) throw firstError;
  return fittingFirst({ routes, costed });
}

/** The provider's own limit for its offer of the model, else the model's, else unknown. */
function outputLimit(model: SnapshotModel | undefined, provider: string): number | null {
  if (!model) return null;
  const offer = model.offers.find((candidate) => candidate.provider === provider);
  return offer?.maxOutputTokens ?? model.maxOutputTokens ?? null;
}

/** Routes whose model fits the request first, the rest kept as a last resort; prices stay aligned. */
function fittingFirst(plan: RoutePlan): RoutePlan {
  if (!plan.routes.some((route) => route.unfit !== undefined)) return plan;
  const order = plan.routes.map((route, index) => ({ route, index })).sort((a, b) => Number(a.route.unfit !== undefined) - Number(b.route.unfit !== undefined));
  return { routes: order.map((item) => item.route), costed: order.map((item) => plan.costed[item.index]!) };
}
