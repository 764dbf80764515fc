import {
  GatewayError,
  type CancelSignal,
  type ChatRequest,
  type ChatResponse,
  type OpenedStream,
  type ProviderAdapter,
  type UpstreamTarget,
} from '../../core/index.js';
import { openUpstreamResponse, requestUpstreamJson, secretsOfTarget } from '../http/index.js';
import { anthropicRequestHeaders } from './anthropic-request-headers.js';
import { buildAnthropicRequestBody, type AnthropicBodyOptions } from './build-anthropic-request-body.js';
import { parseAnthropicMessage } from './parse-anthropic-message.js';
import { readAnthropicEventStream } from './read-anthropic-event-stream.js';

export const anthropicDefaultBaseUrl = 'https://api.anthropic.com';

export interface AnthropicAdapterOptions extends AnthropicBodyOptions {
  id?: string;
}

/**
 * Talks Anthropic's Messages API. Upstream HTTP errors go through the shared mapping: 429 and
 * 529 (overloaded) may be retried on another channel, 400 is the client's and is not.
 */
export class AnthropicAdapter implements ProviderAdapter {
  readonly id: string;
  private readonly bodyOptions: AnthropicBodyOptions;

  constructor(options: AnthropicAdapterOptions = {}) {
    this.id = options.id ?? 'anthropic';
    this.bodyOptions = options.defaultMaxTokens === undefined ? {} : { defaultMaxTokens: options.defaultMaxTokens };
  }

  async chat(request: ChatRequest, target: UpstreamTarget, signal: CancelSignal): Promise<ChatResponse> {
    const body = buildAnthropicRequestBody(request, target.upstreamModel, false, this.bodyOptions);
    const json = await requestUpstreamJson({
      url: anthropicMessagesUrl(target),
      headers: anthropicRequestHeaders(request, target, 'application/json'),
      body: JSON.stringify(body),
      signal,
      timeoutMs: target.timeoutMs,
      timeouts: target.timeouts,
      secrets: secretsOfTarget(target),
    });
    return parseAnthropicMessage(json);
  }

  async chatStream(request: ChatRequest, target: UpstreamTarget, signal: CancelSignal): Promise<OpenedStream> {
    const body = buildAnthropicRequestBody(request, target.upstreamModel, true, this.bodyOptions);
    const secrets = secretsOfTarget(target);
    const opened = await openUpstreamResponse(
      {
        url: anthropicMessagesUrl(target),
        headers: anthropicRequestHeaders(request, target, 'text/event-stream'),
        body: JSON.stringify(body),
        signal,
        timeoutMs: target.timeoutMs,
        timeouts: target.timeouts,
        secrets,
      },
      { streaming: true },
    );
    return { events: readAnthropicEventStream(opened, secrets) };
  }
}

/** The Messages endpoint; a base URL given with or without its `/v1` both work. */
export function anthropicMessagesUrl(target: UpstreamTarget): string {
  const base = (target.baseUrl.trim() || anthropicDefaultBaseUrl).replace(/\/+$/, '');
  if (base === '') {
    throw new GatewayError('internal_error', `Channel ${target.channelName} has no base URL`, { retryElsewhere: true });
  }
  return base.endsWith('/v1') ? `${base}/messages` : `${base}/v1/messages`;
}
