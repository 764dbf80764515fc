import {
  GatewayError,
  type CancelSignal,
  type ChatRequest,
  type ChatResponse,
  type OpenedStream,
  type ProviderAdapter,
  type UpstreamTarget,
} from '../../core/index.js';
import { refuseOpaqueContent } from '../refuse-opaque-content.js';
import { openUpstreamResponse, requestUpstreamJson, secretsOfTarget } from '../http/index.js';
import { buildOpenAIResponsesBody } from './build-openai-responses-body.js';
import { parseOpenAIResponsesResponse } from './parse-openai-responses-response.js';
import { readResponsesEventStream } from './read-responses-event-stream.js';

export const openAIResponsesDefaultBaseUrl = 'https://api.openai.com/v1';

/**
 * Talks OpenAI's Responses API (`POST /responses`), for models OpenAI serves only there. Upstream
 * HTTP errors go through the shared mapping (429 and 5xx may be retried on another channel).
 */
export class OpenAIResponsesAdapter implements ProviderAdapter {
  readonly id: string;

  constructor(options: { id?: string } = {}) {
    this.id = options.id ?? 'openai-responses';
  }

  async chat(request: ChatRequest, target: UpstreamTarget, signal: CancelSignal): Promise<ChatResponse> {
    refuseOpaqueContent(request, this.id);
    const body = buildOpenAIResponsesBody(request, target.upstreamModel, false);
    const secrets = secretsOfTarget(target);
    const json = await requestUpstreamJson({
      url: openAIResponsesUrl(target),
      headers: responsesRequestHeaders(target, 'application/json'),
      body: JSON.stringify(body),
      signal,
      timeoutMs: target.timeoutMs,
      timeouts: target.timeouts,
      secrets,
    });
    return parseOpenAIResponsesResponse(json, secrets);
  }

  async chatStream(request: ChatRequest, target: UpstreamTarget, signal: CancelSignal): Promise<OpenedStream> {
    refuseOpaqueContent(request, this.id);
    const body = buildOpenAIResponsesBody(request, target.upstreamModel, true);
    const secrets = secretsOfTarget(target);
    const opened = await openUpstreamResponse(
      {
        url: openAIResponsesUrl(target),
        headers: responsesRequestHeaders(target, 'text/event-stream'),
        body: JSON.stringify(body),
        signal,
        timeoutMs: target.timeoutMs,
        timeouts: target.timeouts,
        secrets,
      },
      { streaming: true },
    );
    return { events: readResponsesEventStream(opened, secrets) };
  }
}

/** The Responses endpoint under the channel's base URL (which, as for `openai`, ends in `/v1`). */
export function openAIResponsesUrl(target: UpstreamTarget): string {
  const base = (target.baseUrl.trim() || openAIResponsesDefaultBaseUrl).replace(/\/+$/, '');
  if (base === '') {
    throw new GatewayError('internal_error', `Channel ${target.channelName} has no base URL`, { retryElsewhere: true });
  }
  return `${base}/responses`;
}

/** Names are lower-cased so a channel's own header replaces ours instead of doubling it. */
function responsesRequestHeaders(target: UpstreamTarget, accept: string): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept };
  if (target.apiKey !== '') headers.authorization = `Bearer ${target.apiKey}`;
  for (const [name, value] of Object.entries(target.headers)) headers[name.toLowerCase()] = value;
  return headers;
}
