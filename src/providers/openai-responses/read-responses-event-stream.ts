import type { StreamEvent } from '../../core/index.js';
import { readJsonEventStream, type OpenedUpstreamResponse } from '../http/index.js';
import { ResponsesStreamEventParser } from './responses-stream-event-parser.js';
import type { ResponsesStreamEventWire } from './openai-responses-wire-types.js';

/** The canonical events of an opened Responses stream; see `readJsonEventStream`. */
export function readResponsesEventStream(opened: OpenedUpstreamResponse, secrets: readonly string[]): AsyncIterable<StreamEvent> {
  return readJsonEventStream<ResponsesStreamEventWire>(opened, new ResponsesStreamEventParser(secrets));
}
