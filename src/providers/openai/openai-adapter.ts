import {
  GatewayError,
  type CancelSignal,
  type ChatRequest,
  type ChatResponse,
  type EmbeddingRequest,
  type EmbeddingResponse,
  type OpenedStream,
  type ProviderAdapter,
  type UpstreamTarget,
} from '../../core/index.js';
import { refuseOpaqueContent } from '../refuse-opaque-content.js';
import { openUpstreamResponse, requestUpstreamJson, secretsOfTarget } from '../http/index.js';
import { buildOpenAIChatBody } from './build-openai-chat-body.js';
import { buildOpenAIEmbeddingsBody, parseOpenAIEmbeddingsResponse } from './openai-embeddings.js';
import { openAIDialectDefaults, type OpenAIDialectOptions } from './openai-dialect-options.js';
import { parseOpenAIChatResponse } from './parse-openai-chat-response.js';
import { readOpenAIEventStream } from './read-openai-event-stream.js';

export const openAIDefaultBaseUrl = 'https://api.openai.com/v1';

export interface OpenAIAdapterOptions {
  /** Adapter id reported to the registry. */
  id?: string;
  /** Used when a target names no base URL; without one, such a target is refused. */
  defaultBaseUrl?: string | null;
  /** Headers every request of this provider carries (a target's own headers win). */
  headers?: Record<string, string>;
  /** Where the server departs from OpenAI's request format. */
  dialect?: Partial<OpenAIDialectOptions>;
  /** Whether the server has an Embeddings endpoint. */
  embeddings?: boolean;
}

interface ChatTarget {
  url: string;
  /** Shared by every request to the target: undici reads them, nothing writes them. */
  jsonHeaders: Readonly<Record<string, string>>;
  streamHeaders: Readonly<Record<string, string>>;
}

/** Talks OpenAI's Chat Completions and Embeddings wire format to OpenAI or any compatible server. */
export class OpenAIAdapter implements ProviderAdapter {
  readonly id: string;
  readonly embed?: (request: EmbeddingRequest, target: UpstreamTarget, signal: CancelSignal) => Promise<EmbeddingResponse>;
  private readonly defaultBaseUrl: string | null;
  private readonly headers: Record<string, string>;
  private readonly dialect: OpenAIDialectOptions;
  private readonly chatTargets = new WeakMap<UpstreamTarget, ChatTarget>();

  constructor(options: OpenAIAdapterOptions = {}) {
    this.id = options.id ?? 'openai';
    this.defaultBaseUrl = options.defaultBaseUrl === undefined ? openAIDefaultBaseUrl : options.defaultBaseUrl;
    this.headers = options.headers ?? {};
    this.dialect = { ...openAIDialectDefaults, ...options.dialect };
    if (options.embeddings !== false) this.embed = (request, target, signal) => this.embedOnce(request, target, signal);
  }

  async chat(request: ChatRequest, target: UpstreamTarget, signal: CancelSignal): Promise<ChatResponse> {
    refuseOpaqueContent(request, this.id);
    const body = buildOpenAIChatBody(request, target.upstreamModel, false, this.dialect);
    const chat = this.chatTarget(target);
    const json = await requestUpstreamJson({
      url: chat.url,
      headers: chat.jsonHeaders,
      body: JSON.stringify(body),
      signal,
      timeoutMs: target.timeoutMs,
      timeouts: target.timeouts,
      secrets: secretsOfTarget(target),
    });
    return parseOpenAIChatResponse(json);
  }

  async chatStream(request: ChatRequest, target: UpstreamTarget, signal: CancelSignal): Promise<OpenedStream> {
    refuseOpaqueContent(request, this.id);
    const body = buildOpenAIChatBody(request, target.upstreamModel, true, this.dialect);
    const secrets = secretsOfTarget(target);
    const chat = this.chatTarget(target);
    const opened = await openUpstreamResponse(
      {
        url: chat.url,
        headers: chat.streamHeaders,
        body: JSON.stringify(body),
        signal,
        timeoutMs: target.timeoutMs,
        timeouts: target.timeouts,
        secrets,
      },
      { streaming: true },
    );
    return { events: readOpenAIEventStream(opened, secrets) };
  }

  private async embedOnce(request: EmbeddingRequest, target: UpstreamTarget, signal: CancelSignal): Promise<EmbeddingResponse> {
    const json = await requestUpstreamJson({
      url: this.endpoint(target, '/embeddings'),
      headers: this.requestHeaders(target, 'application/json'),
      body: JSON.stringify(buildOpenAIEmbeddingsBody(request, target.upstreamModel)),
      signal,
      timeoutMs: target.timeoutMs,
      timeouts: target.timeouts,
      secrets: secretsOfTarget(target),
    });
    return parseOpenAIEmbeddingsResponse(json, target.upstreamModel);
  }

  /** The chat endpoint and headers of a target, built on its first request. */
  private chatTarget(target: UpstreamTarget): ChatTarget {
    let chat = this.chatTargets.get(target);
    if (chat === undefined) {
      chat = {
        url: this.endpoint(target, '/chat/completions'),
        jsonHeaders: this.requestHeaders(target, 'application/json'),
        streamHeaders: this.requestHeaders(target, 'text/event-stream'),
      };
      this.chatTargets.set(target, chat);
    }
    return chat;
  }

  private endpoint(target: UpstreamTarget, path: string): string {
    const base = target.baseUrl.trim() || this.defaultBaseUrl;
    if (!base) {
      throw new GatewayError('internal_error', `Channel ${target.channelName} has no base URL`, { retryElsewhere: true });
    }
    return base.replace(/\/+$/, '') + path;
  }

  /** Names are lower-cased so a channel's own header replaces ours instead of doubling it. */
  private requestHeaders(target: UpstreamTarget, accept: string): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept };
    // Local servers often need no credential at all.
    if (target.apiKey !== '') headers.authorization = `Bearer ${target.apiKey}`;
    for (const [name, value] of Object.entries(this.headers)) headers[name.toLowerCase()] = value;
    for (const [name, value] of Object.entries(target.headers)) headers[name.toLowerCase()] = value;
    return headers;
  }
}
