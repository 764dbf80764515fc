import { GatewayError, type UpstreamTarget } from '../core/index.js';
import type { ModelCatalog } from '../catalog/model-catalog.js';
import type { SnapshotModel } from '../catalog/catalog-snapshot.js';
import { modelStatus } from '../catalog/model-status.js';
import type { RoutingStrategy } from '../config/config-schema.js';
import type { Channel } from './channel.js';
import type { ChannelAvailability } from './channel-health.js';
import { unfitChannel, type RouteNeeds } from './route-needs.js';
import { weightedOrder } from './weighted-order.js';

export interface ResolvedModel {
  /** The public model id (catalog id, without a provider pin). */
  modelId: string;
  /** The provider the client pinned with `provider/model`, if any. */
  pinnedProvider: string | null;
  model: SnapshotModel | undefined;
}

export interface RouteAttempt {
  channel: Channel;
  modelId: string;
  target: UpstreamTarget;
  /**
   * Set when the catalog says this model lacks a capability the request needs, and no channel of
   * the model has it: the route is kept (the catalog may be wrong) but belongs after every route
   * that fits (`fittingRoutesFirst`).
   */
  unfit?: string;
}

/** How the planner reads channel health and orders a tier; without it, every enabled channel is used. */
export interface PlannerRouting {
  health?: ChannelAvailability;
  strategy?: RoutingStrategy;
  /** Public model id -> strategy, overriding `strategy`. */
  modelStrategies?: Readonly<Record<string, RoutingStrategy>>;
}

export interface RoutableModel {
  id: string;
  ownedBy: string;
  created: number;
}

interface ServingChannel {
  channel: Channel;
  /**
   * Built once (with the id this channel's upstream knows the model by): every request routed
   * here sends to the same target, and none changes it.
   */
  target: UpstreamTarget;
}

/**
 * Decides which channels can serve a model, in which order. Built once per configuration
 * (the index is precomputed), so planning a request is a map lookup plus a shuffle per tier.
 */
export class RoutePlanner {
  private readonly servingByModel = new Map<string, ServingChannel[]>();
  /** Every configured channel (disabled ones too) → the public model ids it serves and their upstream ids. */
  private readonly servedByChannel = new Map<string, { channel: Channel; models: Map<string, string> }>();

  constructor(
    channels: Channel[],
    private readonly catalog: ModelCatalog,
    private readonly knownProviders: ReadonlySet<string>,
    private readonly random: () => number = Math.random,
    private readonly now: () => Date = () => new Date(),
    private readonly routing: PlannerRouting = {},
  ) {
    for (const channel of channels) {
      const served = new Map<string, string>();
      for (const [modelId, upstreamModel] of this.modelsServedBy(channel)) served.set(modelId, channel.modelMap[modelId] ?? upstreamModel);
      this.servedByChannel.set(channel.id, { channel, models: served });
      if (!channel.enabled) continue;
      for (const [modelId, upstreamModel] of served) {
        const list = this.servingByModel.get(modelId) ?? [];
        list.push({ channel, target: targetOf(channel, upstreamModel) });
        this.servingByModel.set(modelId, list);
      }
    }
    for (const list of this.servingByModel.values()) list.sort((a, b) => a.channel.priority - b.channel.priority);
  }

  /**
   * Reads a client's model name: an exact catalog id wins; then `provider/model` is a pin when
   * `provider` is a known provider; then aliases and providers' own ids for a model.
   */
  resolve(name: string): ResolvedModel {
    const exact = this.catalog.get(name);
    if (exact) return { modelId: exact.id, pinnedProvider: null, model: exact };
    const slash = name.indexOf('/');
    if (slash > 0) {
      const provider = name.slice(0, slash);
      if (this.knownProviders.has(provider)) {
        const rest = name.slice(slash + 1);
        const model = this.catalog.resolve(rest)?.model;
        return { modelId: model?.id ?? rest, pinnedProvider: provider, model };
      }
    }
    if (this.servingByModel.has(name)) return { modelId: name, pinnedProvider: null, model: undefined };
    const resolved = this.catalog.resolve(name);
    if (resolved) return { modelId: resolved.model.id, pinnedProvider: null, model: resolved.model };
    return { modelId: name, pinnedProvider: null, model: undefined };
  }

  /**
   * The channels to try for a model, in order; throws the contract's error when there are none.
   * With `needs`, channels whose context window the prompt exceeds are left out (400 when that is
   * every channel). With health, disabled, cooling-down and breaker-open channels are left out
   * (503 with `retry-after` when that is every channel).
   */
  plan(resolved: ResolvedModel, needs?: RouteNeeds): RouteAttempt[] {
    let serving = this.servingByModel.get(resolved.modelId) ?? [];
    if (resolved.pinnedProvider) serving = serving.filter((item) => item.channel.provider === resolved.pinnedProvider);
    if (serving.length === 0) throw this.unservedError(resolved);
    let unfit: string | undefined;
    if (needs && resolved.model) ({ serving, unfit } = this.fitting(serving, resolved, needs));
    const health = this.routing.health;
    if (health) {
      const routable = serving.filter((item) => health.isRoutable(item.channel.id));
      if (routable.length === 0) throw this.restingError(resolved, serving, health);
      serving = routable;
    }
    return this.order(serving, resolved.modelId).map(({ channel, target }) => {
      const route: RouteAttempt = { channel, modelId: resolved.modelId, target };
      if (unfit !== undefined) route.unfit = unfit;
      return route;
    });
  }

  /** Every configured channel, disabled ones included (for the admin API). */
  channels(): Channel[] {
    return [...this.servedByChannel.values()].map((entry) => entry.channel);
  }

  channel(channelId: string): Channel | undefined {
    return this.servedByChannel.get(channelId)?.channel;
  }

  /** Public model ids a channel serves (whether or not it is enabled). */
  modelsOfChannel(channelId: string): string[] {
    return [...(this.servedByChannel.get(channelId)?.models.keys() ?? [])];
  }

  /**
   * A route for testing a channel: the given model, or else its cheapest chat model by input
   * price (the catalog's first otherwise). Null when the channel or model is unknown.
   */
  testRoute(channelId: string, modelId?: string): RouteAttempt | null {
    const entry = this.servedByChannel.get(channelId);
    if (!entry) return null;
    const chosen = modelId !== undefined ? (entry.models.has(modelId) ? modelId : null) : this.cheapestChatModel(entry.channel, entry.models);
    if (chosen === null) return null;
    return { channel: entry.channel, modelId: chosen, target: targetOf(entry.channel, entry.models.get(chosen)!) };
  }
  /** Models that some enabled channel serves now, for `GET /v1/models`. */
  routableModels(): RoutableModel[] {
    return [...this.servingByModel.entries()].map(([id, serving]) => {
      const model = this.catalog.get(id);
      const released = model?.releaseDate ? Date.parse(model.releaseDate) : Number.NaN;
      return {
        id,
        ownedBy: model?.creator ?? serving[0]!.channel.provider,
        created: Number.isNaN(released) ? 0 : Math.floor(released / 1000),
      };
    });
  }

  isRoutable(modelId: string, provider?: string): boolean {
    const serving = this.servingByModel.get(modelId);
    if (!serving) return false;
    return provider === undefined || serving.some((item) => item.channel.provider === provider);
  }

  /** 404 with close names for an unknown model, 410 for a retired one, 503 otherwise. */
  private unservedError(resolved: ResolvedModel): GatewayError {
    const { model } = resolved;
    if (!model) {
      const suggestions = this.catalog.didYouMean(resolved.modelId, 3);
      const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((id) => `'${id}'`).join(', ')}?` : '';
      return new GatewayError('model_not_found', `The model '${resolved.modelId}' does not exist.${hint}`, { param: 'model' });
    }
    if (modelStatus(model, this.now()) === 'retired') {
      const replacement = model.lifecycle?.replacement ?? null;
      const date = model.lifecycle?.retiresAt ?? 'an earlier date';
      const instead = replacement ? ` Use '${replacement}' instead.` : '';
      return new GatewayError('model_retired', `The model '${model.id}' was retired on ${date} and no channel serves it any more.${instead}`, {
        param: 'model',
        replacement,
      });
    }
    const pin = resolved.pinnedProvider ? ` from provider '${resolved.pinnedProvider}'` : '';
    return new GatewayError('no_available_channel', `No enabled channel serves the model '${resolved.modelId}'${pin} right now.`);
  }

  /** Public model id → the id this channel sends upstream. */
  private modelsServedBy(channel: Channel): Map<string, string> {
    const served = new Map<string, string>();
    for (const entry of channel.models) {
      if (entry === '*') {
        for (const { model, offer } of this.catalog.modelsOfProvider(channel.provider)) served.set(model.id, offer.upstreamId);
        continue;
      }
      const model = this.catalog.get(entry) ?? this.catalog.resolve(entry)?.model;
      if (!model) {
        served.set(entry, entry);
        continue;
      }
      const offer = this.catalog.offerOf(model.id, channel.provider);
      // A listed alias is sent as listed; a canonical id as this provider knows it.
      served.set(model.id, entry !== model.id ? entry : (offer?.upstreamId ?? entry));
    }
    return served;
  }

  /** Keeps the channels whose context window holds the prompt; capability gaps are model-wide and only flagged. */
  private fitting(serving: ServingChannel[], resolved: ResolvedModel, needs: RouteNeeds): { serving: ServingChannel[]; unfit?: string } {
    const model = resolved.model!;
    const fit: ServingChannel[] = [];
    let contextReason: string | null = null;
    let capabilityReason: string | null = null;
    const capabilityGap: ServingChannel[] = [];
    for (const item of serving) {
      const unfit = unfitChannel(model, this.catalog.offerOf(model.id, item.channel.provider), needs);
      if (unfit === null) fit.push(item);
      else if (unfit.kind === 'context') contextReason ??= unfit.reason;
      else {
        capabilityReason ??= unfit.reason;
        capabilityGap.push(item);
      }
    }
    if (fit.length > 0) return { serving: fit };
    if (capabilityReason !== null) return { serving: capabilityGap, unfit: capabilityReason };
    throw new GatewayError('invalid_request', `The request cannot be served: ${contextReason ?? 'no channel fits it'}.`, { param: 'messages' });
  }

  /** Every channel is resting: answer 503 at once, with when the first one may be back. */
  private restingError(resolved: ResolvedModel, serving: ServingChannel[], health: ChannelAvailability): GatewayError {
    let soonest: number | null = null;
    for (const item of serving) {
      const wait = health.availableAgainInMs(item.channel.id);
      if (wait !== null && (soonest === null || wait < soonest)) soonest = wait;
    }
    const details = soonest === null ? {} : { retryAfterSeconds: Math.max(1, Math.ceil(soonest / 1000)) };
    return new GatewayError(
      'no_available_channel',
      `Every channel serving the model '${resolved.modelId}' is disabled or recovering from failures right now.`,
      details,
    );
  }

  private order(serving: ServingChannel[], modelId: string): ServingChannel[] {
    const strategy = this.routing.modelStrategies?.[modelId] ?? this.routing.strategy ?? 'priority';
    const health = this.routing.health;
    const ordered: ServingChannel[] = [];
    let start = 0;
    while (start < serving.length) {
      const priority = serving[start]!.channel.priority;
      let end = start;
      while (end < serving.length && serving[end]!.channel.priority === priority) end++;
      const tier = weightedOrder(serving.slice(start, end), (item) => item.channel.weight, this.random);
      if (strategy === 'least-latency' && health) fastestFirst(tier, health);
      ordered.push(...tier);
      start = end;
    }
    return ordered;
  }

  private cheapestChatModel(channel: Channel, models: Map<string, string>): string | null {
    let best: string | null = null;
    let bestPrice = Number.POSITIVE_INFINITY;
    for (const modelId of models.keys()) {
      const model = this.catalog.get(modelId);
      if (model && model.kind !== 'chat') continue;
      const price = this.catalog.offerOf(modelId, channel.provider)?.price?.input ?? model?.officialPrice?.input;
      const rank = price ?? Number.MAX_VALUE;
      if (best === null || rank < bestPrice) {
        best = modelId;
        bestPrice = rank;
      }
    }
    return best;
  }
}

/**
 * Least-latency within a tier: unmeasured channels first (so they get measured, in weighted
 * order), then by smoothed latency. Sorts in place; a tier is a handful of channels.
 */
function fastestFirst(tier: ServingChannel[], health: ChannelAvailability): void {
  const score = (item: ServingChannel) => health.latencyScore(item.channel.id) ?? -1;
  // Array.prototype.sort is stable, so equal scores keep their weighted order.
  tier.sort((a, b) => score(a) - score(b));
}

/** Routes whose model fits the request come before the ones kept only as a last resort. */
export function fittingRoutesFirst(routes: RouteAttempt[]): RouteAttempt[] {
  if (!routes.some((route) => route.unfit !== undefined)) return routes;
  return [...routes.filter((route) => route.unfit === undefined), ...routes.filter((route) => route.unfit !== undefined)];
}

function targetOf(channel: Channel, upstreamModel: string): UpstreamTarget {
  return {
    channelId: channel.id,
    channelName: channel.name,
    provider: channel.provider,
    baseUrl: channel.baseUrl,
    apiKey: channel.apiKey,
    headers: channel.headers,
    upstreamModel,
    timeoutMs: channel.timeoutMs,
    ...(channel.timeouts ? { timeouts: channel.timeouts } : {}),
  };
}
