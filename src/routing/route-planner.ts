import { GatewayError, type UpstreamTarget } from '../core/index.js';
import type { ModelCatalog } from '../catalog/model-catalog.js';
import type { SnapshotModel } from '../catalog/catalog-snapshot.js';
import { modelStatus } from '../catalog/model-status.js';
import type { Channel } from './channel.js';
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
}

export interface RoutableModel {
  id: string;
  ownedBy: string;
  created: number;
}

interface ServingChannel {
  channel: Channel;
  /** The id this channel's upstream knows the model by. */
  upstreamModel: string;
}

/**
 * Decides which channels can serve a model, in which order. Built once per configuration
 * (the index is precomputed), so planning a request is a map lookup plus a shuffle per tier.
 */
export class RoutePlanner {
  private readonly servingByModel = new Map<string, ServingChannel[]>();

  constructor(
    channels: Channel[],
    private readonly catalog: ModelCatalog,
    private readonly knownProviders: ReadonlySet<string>,
    private readonly random: () => number = Math.random,
    private readonly now: () => Date = () => new Date(),
  ) {
    for (const channel of channels) {
      if (!channel.enabled) continue;
      for (const [modelId, upstreamModel] of this.modelsServedBy(channel)) {
        const list = this.servingByModel.get(modelId) ?? [];
        list.push({ channel, upstreamModel: channel.modelMap[modelId] ?? upstreamModel });
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

  /** The channels to try for a model, in order; throws the contract's error when there are none. */
  plan(resolved: ResolvedModel): RouteAttempt[] {
    let serving = this.servingByModel.get(resolved.modelId) ?? [];
    if (resolved.pinnedProvider) serving = serving.filter((item) => item.channel.provider === resolved.pinnedProvider);
    if (serving.length === 0) throw this.unservedError(resolved);
    return this.orderByTier(serving).map(({ channel, upstreamModel }) => ({
      channel,
      modelId: resolved.modelId,
      target: {
        channelId: channel.id,
        channelName: channel.name,
        provider: channel.provider,
        baseUrl: channel.baseUrl,
        apiKey: channel.apiKey,
        headers: channel.headers,
        upstreamModel,
        timeoutMs: channel.timeoutMs,
      },
    }));
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

  private orderByTier(serving: ServingChannel[]): ServingChannel[] {
    const ordered: ServingChannel[] = [];
    let start = 0;
    while (start < serving.length) {
      const priority = serving[start]!.channel.priority;
      let end = start;
      while (end < serving.length && serving[end]!.channel.priority === priority) end++;
      ordered.push(...weightedOrder(serving.slice(start, end), (item) => item.channel.weight, this.random));
      start = end;
    }
    return ordered;
  }
}
