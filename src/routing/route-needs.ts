import type { ChatRequest } from '../core/index.js';
import type { SnapshotModel, SnapshotOffer } from '../catalog/catalog-snapshot.js';

/** What a request needs of a channel beyond serving its model. */
export interface RouteNeeds {
  tools: boolean;
  vision: boolean;
  jsonSchema: boolean;
  /** The prompt's size in tokens; only called when some candidate has a known context window. */
  promptTokens: () => number;
  /** A cheap upper bound of `promptTokens`, asked first: a prompt within a window needs no count. */
  promptTokensAtMost?: () => number;
}

/** Reads a chat request's needs once, before planning; the prompt is counted only if asked. */
export function routeNeedsOf(request: ChatRequest, promptTokens: () => number, promptTokensAtMost?: () => number): RouteNeeds {
  let vision = false;
  for (const message of request.messages) {
    for (const part of message.content) {
      if (part.type === 'image' || (part.type === 'tool_result' && part.content.some((inner) => inner.type === 'image'))) {
        vision = true;
        break;
      }
    }
    if (vision) break;
  }
  let counted: number | null = null;
  return {
    tools: (request.tools?.length ?? 0) > 0,
    vision,
    jsonSchema: request.responseFormat?.type === 'json_schema',
    promptTokens: () => (counted ??= promptTokens()),
    ...(promptTokensAtMost ? { promptTokensAtMost } : {}),
  };
}

export interface UnfitChannel {
  /** `capability`: the model lacks a feature (model-wide); `context`: this offer's window is too small. */
  kind: 'capability' | 'context';
  reason: string;
}

/**
 * Why a channel cannot take the request, or null when it can. Only what the catalog states is
 * held against a channel: a model the catalog does not know, or a limit it does not give, passes.
 */
export function unfitChannel(model: SnapshotModel | undefined, offer: SnapshotOffer | null, needs: RouteNeeds): UnfitChannel | null {
  if (!model) return null;
  if (needs.tools && !model.capabilities.tools) return capability(`the model '${model.id}' does not support tools`);
  if (needs.vision && !model.capabilities.vision && !model.modalities.input.includes('image')) {
    return capability(`the model '${model.id}' does not accept images`);
  }
  if (needs.jsonSchema && !model.capabilities.jsonOutput) return capability(`the model '${model.id}' does not support response_format json_schema`);
  const contextWindow = offer?.contextWindow ?? model.contextWindow;
  if (contextWindow !== null && contextWindow > 0 && !(needs.promptTokensAtMost && needs.promptTokensAtMost() <= contextWindow)) {
    const tokens = needs.promptTokens();
    if (tokens > contextWindow) {
      return { kind: 'context', reason: `the prompt (${tokens} tokens) is longer than the context window of '${model.id}' (${contextWindow} tokens)` };
    }
  }
  return null;
}

function capability(reason: string): UnfitChannel {
  return { kind: 'capability', reason };
}
