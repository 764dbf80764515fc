import { GatewayError, type UpstreamTarget } from '../core/index.js';
import type { Catalog } from '../catalog/catalog.js';
import type { CatalogModel } from '../catalog/catalog-model.js';
import type { Channel } from './channel.js';
import { weightedOrder } from './weighted-order.js';

export interface ResolvedModel {
  /** The public model id (catalog id, without a provider pin). */
  modelId: string;
  /** The provider the client pinned with `provider/model`, if any. */
  pinnedProvider: string | null;
  model: CatalogModel | undefined;
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

/**
 * Decides which channels can serve a model, in which order. Built once per configuration
 * (the index is precomputed), so planning a request is a map lookup plus a shuffle per tier.
 */
export class RoutePlanner {
  private readonly channelsByModel = new Map<string, Channel[]>();

  constructor(
    channels: Channel[],
    private readonly catalog: Catalog,
    private readonly knownProviders: ReadonlySet<string>,
    private readonly random: () => number = Math.random,
  ) {
    for (const channel of channels) {
      if (!channel.enabled) continue;
      for (const modelId of this.modelsServedBy(channel)) {
        const list = this.channelsByModel.get(modelId) ?? [];
        list.push(channel);
        this.channelsByModel.set(modelId, list);
      }
    }
    for (const list of this.channelsByModel.values()) list.sort((a, b) => a.priority - b.priority);
  }

  /** Reads a client's model name: an exact catalog id wins; else `provider/model` is a pin. */
  resolve(name: string): ResolvedModel {
    const exact = this.catalog.get(name);
    if (exact || this.channelsByModel.has(name)) return { modelId: name, pinnedProvider: null, model: exact };
    const slash = name.indexOf('/');
    if (slash > 0) {
      const provider = name.slice(0, slash);
      if (this.knownProviders.has(provider)) {
        const modelId = name.slice(slash + 1);
        return { modelId, pinnedProvider: provider, model: this.catalog.get(modelId) };
      }
    }
    return { modelId: name, pinnedProvider: null, model: undefined };
  }

  /** The channels to try for a model, in order; throws the contract's error when there are none. */
  plan(resolved: ResolvedModel): RouteAttempt[] {
    let channels = this.channelsByModel.get(resolved.modelId) ?? [];
    if (resolved.pinnedProvider) channels = channels.filter((channel) => channel.provider === resolved.pinnedProvider);
    if (channels.length === 0) {
      if (!resolved.model) {
        throw new GatewayError('model_not_found', `The model '${resolved.modelId}' does not exist.`, { param: 'model' });
      }
      const pin = resolved.pinnedProvider ? ` from provider '${resolved.pinnedProvider}'` : '';
      throw new GatewayError('no_available_channel', `No enabled channel serves the model '${resolved.modelId}'${pin} right now.`);
    }
    return this.orderByTier(channels).map((channel) => ({
      channel,
      modelId: resolved.modelId,
      target: {
        channelId: channel.id,
        channelName: channel.name,
        provider: channel.provider,
        baseUrl: channel.baseUrl,
        apiKey: channel.apiKey,
        headers: channel.headers,
        upstreamModel: channel.modelMap[resolved.modelId] ?? resolved.modelId,
        timeoutMs: channel.timeoutMs,
      },
    }));
  }

  /** Models that some enabled channel serves now, for `GET /v1/models`. */
  routableModels(): RoutableModel[] {
    return [...this.channelsByModel.keys()].map((id) => {
      const model = this.catalog.get(id);
      return { id, ownedBy: model?.provider ?? this.channelsByModel.get(id)![0]!.provider, created: model?.created ?? 0 };
    });
  }

  isRoutable(modelId: string): boolean {
    return this.channelsByModel.has(modelId);
  }

  private modelsServedBy(channel: Channel): string[] {
    const ids = new Set<string>();
    for (const entry of channel.models) {
      if (entry === '*') {
        for (const model of this.catalog.list()) if (model.provider === channel.provider) ids.add(model.id);
      } else {
        ids.add(entry);
      }
    }
    return [...ids];
  }

  private orderByTier(channels: Channel[]): Channel[] {
    const ordered: Channel[] = [];
    let start = 0;
    while (start < channels.length) {
      const priority = channels[start]!.priority;
      let end = start;
      while (end < channels.length && channels[end]!.priority === priority) end++;
      ordered.push(...weightedOrder(channels.slice(start, end), (channel) => channel.weight, this.random));
      start = end;
    }
    return ordered;
  }
}
