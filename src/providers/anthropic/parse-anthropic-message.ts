import { GatewayError, type ChatResponse, type ContentPart } from '../../core/index.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { parseAnthropicUsage } from './parse-anthropic-usage.js';
import type { AnthropicResponseBlockWire, AnthropicResponseWire } from './anthropic-wire-types.js';

/**
 * A Messages API response as a canonical response with one choice. Blocks the canonical model
 * has no place for (server tool use and results, citations) are left out.
 */
export function parseAnthropicMessage(json: unknown, now: () => number = Date.now): ChatResponse {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as AnthropicResponseWire).content)) {
    throw new GatewayError('upstream_error', 'Upstream answered with something that is not a message', { retryElsewhere: true });
  }
  const message = json as AnthropicResponseWire;
  const content = (message.content ?? []).flatMap(contentPartOf);
  // Optional fields are assigned, not spread in: a literal that adds properties after a spread
  // takes a slow path in V8 (about 1 µs each on Node 20), and this runs once per answer.
  const response: ChatResponse = {
    model: typeof message.model === 'string' ? message.model : '',
    // Anthropic gives no creation time.
    created: Math.floor(now() / 1000),
    choices: [{ index: 0, content, finishReason: mapAnthropicStopReason(message.stop_reason) }],
  };
  if (typeof message.id === 'string') response.upstreamId = message.id;
  const usage = parseAnthropicUsage(message.usage);
  if (usage !== undefined) response.usage = usage;
  return response;
}

function contentPartOf(block: AnthropicResponseBlockWire): ContentPart[] {
  switch (block.type) {
    case 'text':
      return [{ type: 'text', text: block.text ?? '' }];
    case 'thinking':
      return [{ type: 'reasoning', text: block.thinking ?? '', ...(block.signature === undefined ? {} : { signature: block.signature }) }];
    case 'redacted_thinking':
      return [{ type: 'reasoning', text: '', redacted: block.data ?? '' }];
    case 'tool_use':
      return [{ type: 'tool_call', id: block.id ?? '', name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) }];
    default:
      return [];
  }
}
