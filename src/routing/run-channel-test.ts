import { GatewayError, isGatewayError, type CancelSignal, type ChatRequest, type ProviderAdapter } from '../core/index.js';
import { classifyFailure, type FailureKind } from './classify-failure.js';
import type { RouteAttempt } from './route-planner.js';

export interface ChannelTestResult {
  ok: boolean;
  channelId: string;
  model: string;
  /** From sending the request to the whole answer. */
  latencyMs: number;
  /** The start of the reply text, on success. */
  reply: string | null;
  error: { code: string; message: string; upstreamStatus: number | null; kind: FailureKind } | null;
}

export interface ChannelTestOptions {
  adapters: { adapterFor(providerId: string): ProviderAdapter | undefined };
  /** The test gives up after this long (a channel's own timeout is made for long generations). */
  timeoutMs?: number;
  now?: () => number;
  /** Stops the test early (the admin request went away). */
  signal?: CancelSignal;
}

const defaultTimeoutMs = 30_000;
const replyPreviewLength = 200;

/**
 * Sends one minimal real chat request through the channel's adapter: a one-word prompt and a
 * small output limit, so the test costs next to nothing. Reports how long it took and how it ended.
 */
export async function runChannelTest(route: RouteAttempt, options: ChannelTestOptions): Promise<ChannelTestResult> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const timeout = AbortSignal.timeout(options.timeoutMs ?? defaultTimeoutMs);
  const caller = options.signal ? abortSignalFollowing(options.signal) : null;
  const signal = caller ? AbortSignal.any([caller.signal, timeout]) : timeout;
  const base = { channelId: route.channel.id, model: route.modelId };
  try {
    const adapter = options.adapters.adapterFor(route.channel.provider);
    if (!adapter) throw new GatewayError('upstream_error', `No adapter is registered for provider '${route.channel.provider}'.`);
    const response = await adapter.chat(testRequest(route.modelId), route.target, signal);
    const text = response.choices[0]?.content.map((part) => (part.type === 'text' ? part.text : '')).join('') ?? '';
    return { ...base, ok: true, latencyMs: now() - startedAt, reply: text.slice(0, replyPreviewLength), error: null };
  } catch (error) {
    const failure = isGatewayError(error) ? error : new GatewayError('upstream_error', 'The test request failed unexpectedly.');
    // Our own deadline is a timeout of the channel, not a cancellation by a caller.
    const timedOut = timeout.aborted && !options.signal?.aborted;
    const reported = timedOut ? new GatewayError('upstream_timeout', 'The channel did not answer the test in time.') : failure;
    const upstreamStatus = reported.details.upstreamStatus;
    return {
      ...base,
      ok: false,
      latencyMs: now() - startedAt,
      reply: null,
      error: {
        code: reported.code,
        message: reported.message,
        upstreamStatus: typeof upstreamStatus === 'number' ? upstreamStatus : null,
        kind: classifyFailure(reported, options.signal?.aborted === true).kind,
      },
    };
  } finally {
    caller?.stop();
  }
}

/**
 * A real `AbortSignal` that aborts with `source`, for `AbortSignal.any`, which takes nothing else.
 * A test is an administrator's rare request, so the cost of a controller does not matter here.
 */
function abortSignalFollowing(source: CancelSignal): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const forward = (): void => controller.abort(source.reason);
  if (source.aborted) forward();
  else source.addEventListener('abort', forward, { once: true });
  return { signal: controller.signal, stop: () => source.removeEventListener('abort', forward) };
}

function testRequest(model: string): ChatRequest {
  return {
    model,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Reply with the word: ok' }] }],
    // Enough for a short answer; reasoning models may still spend these on thinking, which is fine.
    maxOutputTokens: 16,
    stream: false,
  };
}
