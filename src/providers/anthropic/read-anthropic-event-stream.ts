import type { StreamEvent } from '../../core/index.js';
import { readJsonEventStream, type OpenedUpstreamResponse } from '../http/index.js';
import { AnthropicStreamEventParser } from './anthropic-stream-event-parser.js';
import type { AnthropicStreamEventWire } from './anthropic-wire-types.js';

/** The canonical events of an opened Messages stream; see `readJsonEventStream`. */
export function readAnthropicEventStream(opened: OpenedUpstreamResponse, secrets: readonly string[]): AsyncIterable<StreamEvent> {
  return readJsonEventStream<AnthropicStreamEventWire>(opened, new AnthropicStreamEventParser(secrets));
}
