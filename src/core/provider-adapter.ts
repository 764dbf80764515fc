import type { CancelSignal } from './cancel-signal.js';
import type { ChatRequest } from './chat-request.js';
import type { ChatResponse } from './chat-response.js';
import type { EmbeddingRequest, EmbeddingResponse } from './embedding.js';
import type { StreamEvent } from './stream-event.js';

/**
 * One upstream endpoint as an adapter needs it: where, with which credential, which model id.
 * Built once per channel and model and never changed, so adapters may remember what they derive
 * from it.
 */
export interface UpstreamTarget {
  readonly channelId: string;
  readonly channelName: string;
  readonly provider: string;
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Extra headers sent with every upstream request (for example an organisation header). */
  readonly headers: Readonly<Record<string, string>>;
  /** The model id sent upstream (after the channel's model map). */
  readonly upstreamModel: string;
  readonly timeoutMs: number;
  /** Deadlines of each phase of an exchange; a phase not given falls back to the transport's default. */
  readonly timeouts?: Partial<UpstreamTimeouts>;
}

/** Deadlines of one upstream exchange, in milliseconds; 0 means no limit for that phase. */
export interface UpstreamTimeouts {
  /** Establishing the TCP (and TLS) connection. */
  connectMs: number;
  /** From sending the request to the first byte of the answer's body (a stream's first bytes). */
  firstByteMs: number;
  /** The longest silence between two chunks of a body once it has started. */
  idleMs: number;
  /** The whole exchange, streams included. */
  totalMs: number;
}

/** A stream that the upstream has accepted: events follow until the iterator ends. */
export interface OpenedStream {
  events: AsyncIterable<StreamEvent>;
}

/** Takes a stream's events as they come (`StreamEventPushSource.pushTo`). */
export interface StreamEventSink {
  /** One event. False asks for no more until `resume()` (the client is not reading). */
  event(event: StreamEvent): boolean;
  /** After the last event; not called once the consumer has stopped. */
  end(): void;
  /** `event` threw: the stream is stopped (an unfinished upstream cut) and nothing more comes. */
  fail(error: unknown): void;
  /** The events that were waiting (read before, or held while the sink took no more) have all been given. */
  flush?(): void;
}

/** The consumer's hold on a pushed stream. */
export interface StreamEventPush {
  /** Delivers again after `event` returned false. */
  resume(): void;
  /** No more events wanted: an unfinished upstream is cut, as when an iterator is returned early. */
  stop(): void;
}

/**
 * Stream events that can also be handed to a sink as they come, instead of one promise per event
 * pulled through `for await`. Between two events such a stream then keeps no short-lived
 * objects, which thousands of open streams would otherwise have the collector copy. Use either
 * pulling or `pushTo`, never both; nothing is delivered from within `pushTo` itself.
 */
export interface StreamEventPushSource {
  pushTo(sink: StreamEventSink): StreamEventPush;
}

export function canPushStreamEvents<T extends object>(source: T): source is T & StreamEventPushSource {
  return typeof (source as Partial<StreamEventPushSource>).pushTo === 'function';
}

/**
 * What a provider adapter can do. An adapter implements the operations its provider has;
 * the optional ones are simply absent where the provider has no such API.
 *
 * Contract for failures: before anything was produced, reject with a `GatewayError` (its
 * `retryElsewhere` tells routing whether another channel can help). Once a stream is open, a
 * failure arrives as a final `error` event, never as a rejection of the iterator.
 * Every operation stops its upstream request as soon as `signal` aborts.
 */
export interface ProviderAdapter {
  readonly id: string;
  chat(request: ChatRequest, target: UpstreamTarget, signal: CancelSignal): Promise<ChatResponse>;
  /** Resolves once the upstream answered with a successful status (so failover can still happen). */
  chatStream(request: ChatRequest, target: UpstreamTarget, signal: CancelSignal): Promise<OpenedStream>;
  embed?(request: EmbeddingRequest, target: UpstreamTarget, signal: CancelSignal): Promise<EmbeddingResponse>;
}

/** Describes an adapter for the registry: its id and how to build it. */
export interface ProviderDefinition {
  id: string;
  /** Human name for listings. */
  name: string;
  /** Default base URL when a channel names none. */
  defaultBaseUrl?: string;
  /** Environment variable whose presence creates a channel on start (e.g. OPENAI_API_KEY). */
  apiKeyEnv?: string;
  /** Environment variable that overrides the base URL for that channel. */
  baseUrlEnv?: string;
  create(): ProviderAdapter;
}
