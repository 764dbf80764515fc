import {
  isGatewayError,
  type CancelSignal,
  type ChatRequest,
  type ChatResponse,
  type OpenedStream,
  type ProviderAdapter,
  type UpstreamTarget,
} from '../../core/index.js';
import { OpenAIResponsesAdapter } from '../openai-responses/openai-responses-adapter.js';
import type { OpenAIAdapter } from './openai-adapter.js';

/**
 * OpenAI serves some models only through the Responses API. A chat request for such a model is
 * refused by Chat Completions with a message that names `v1/responses`; the bridge then sends the
 * same request through the Responses adapter on the same channel, and remembers the model so the
 * next request goes there directly. No list of such models has to be kept.
 */
export class ResponsesBridge implements ProviderAdapter {
  readonly id: string;
  readonly embed: ProviderAdapter['embed'];
  private readonly responses = new OpenAIResponsesAdapter({ id: 'openai' });
  private readonly responsesOnly = new Set<string>();

  constructor(private readonly chatCompletions: OpenAIAdapter) {
    this.id = chatCompletions.id;
    this.embed = chatCompletions.embed;
  }

  chat(request: ChatRequest, target: UpstreamTarget, signal: CancelSignal): Promise<ChatResponse> {
    return this.route(target, () => this.chatCompletions.chat(request, target, signal), () => this.responses.chat(request, target, signal));
  }

  chatStream(request: ChatRequest, target: UpstreamTarget, signal: CancelSignal): Promise<OpenedStream> {
    return this.route(target, () => this.chatCompletions.chatStream(request, target, signal), () => this.responses.chatStream(request, target, signal));
  }

  private async route<T>(target: UpstreamTarget, viaChat: () => Promise<T>, viaResponses: () => Promise<T>): Promise<T> {
    const key = `${target.baseUrl} ${target.upstreamModel}`;
    if (this.responsesOnly.has(key)) return viaResponses();
    try {
      return await viaChat();
    } catch (error) {
      if (!isResponsesOnlyRefusal(error)) throw error;
      this.responsesOnly.add(key);
      return viaResponses();
    }
  }
}

function isResponsesOnlyRefusal(error: unknown): boolean {
  if (!isGatewayError(error)) return false;
  const status = error.details.upstreamStatus;
  return (status === 400 || status === 404) && /v1\/responses|responses api/i.test(error.message);
}
