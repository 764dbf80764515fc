/**
 * Channel operations for administrators: each channel's live state (enabled, cooling down,
 * breaker, error rate, latency, why it was disabled), a test with a minimal real request, and
 * enabling or disabling a channel by hand.
 */
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/index.js';
import type { Channel } from '../../routing/channel.js';
import type { ChannelHealth, HealthLogger } from '../../routing/channel-health.js';
import type { RoutePlanner } from '../../routing/route-planner.js';
import { runChannelTest, type ChannelTestOptions, type ChannelTestResult } from '../../routing/run-channel-test.js';
import type { PrincipalResolver } from '../principal.js';
import { cancelWhenClientLeaves } from '../client-cancel.js';

export interface AdminChannelRouteDependencies {
  principals: Pick<PrincipalResolver, 'requireAdmin'>;
  planner: () => RoutePlanner;
  health: ChannelHealth;
  adapters: ChannelTestOptions['adapters'];
  /** How long a test may take; 30 s when absent. */
  testTimeoutMs?: number;
  logger?: HealthLogger;
}

const maxReasonLength = 500;

export function registerAdminChannelRoutes(app: FastifyInstance, deps: AdminChannelRouteDependencies): void {
  app.get('/api/admin/channels', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    return { data: deps.planner().channels().map((channel) => encodeChannelState(channel, deps.health)) };
  });

  app.post('/api/admin/channels/:id/test', async (request, reply) => {
    await deps.principals.requireAdmin(request.headers);
    const channel = findChannel(deps, request.params);
    const model = optionalText(request.body, 'model');
    const route = deps.planner().testRoute(channel.id, model);
    if (!route) {
      throw new GatewayError(
        'invalid_request',
        model === undefined ? `The channel '${channel.name}' serves no chat model to test with.` : `The channel '${channel.name}' does not serve the model '${model}'.`,
        { param: 'model' },
      );
    }
    const result = await runChannelTest(route, {
      adapters: deps.adapters,
      signal: cancelWhenClientLeaves(reply),
      ...(deps.testTimeoutMs === undefined ? {} : { timeoutMs: deps.testTimeoutMs }),
    });
    return encodeTestResult(result);
  });

  app.post('/api/admin/channels/:id/enable', async (request) => {
    const principal = await deps.principals.requireAdmin(request.headers);
    const channel = findChannel(deps, request.params);
    if (!channel.enabled) {
      throw new GatewayError('conflict', `The channel '${channel.name}' is disabled in its configuration; enable it there.`);
    }
    if (deps.health.enable(channel.id)) deps.logger?.info({ channel: channel.id, by: principal.account.id }, 'channel enabled by an administrator');
    return encodeChannelState(channel, deps.health);
  });

  app.post('/api/admin/channels/:id/disable', async (request) => {
    const principal = await deps.principals.requireAdmin(request.headers);
    const channel = findChannel(deps, request.params);
    const reason = optionalText(request.body, 'reason')?.trim().slice(0, maxReasonLength) || 'disabled by an administrator';
    deps.health.disable(channel.id, reason, 'operator');
    deps.logger?.warn({ channel: channel.id, by: principal.account.id, reason }, 'channel disabled by an administrator');
    return encodeChannelState(channel, deps.health);
  });
}

function findChannel(deps: AdminChannelRouteDependencies, params: unknown): Channel {
  const { id } = params as { id: string };
  const channel = deps.planner().channel(id);
  if (!channel) throw new GatewayError('not_found', `No channel with id '${id}'.`, { param: 'id' });
  return channel;
}

/** A string field of an optional JSON body; absent when the body or field is. */
function optionalText(body: unknown, field: string): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
  const value = (body as Record<string, unknown>)[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new GatewayError('invalid_request', `'${field}' must be a string.`, { param: field });
  return value;
}

function isoOrNull(time: number | null | undefined): string | null {
  return time === null || time === undefined ? null : new Date(time).toISOString();
}

/** A channel's configuration (never its credential) and its live health. */
export function encodeChannelState(channel: Channel, health: ChannelHealth) {
  const state = health.snapshot(channel.id);
  return {
    id: channel.id,
    name: channel.name,
    provider: channel.provider,
    source: channel.source,
    models: channel.models,
    priority: channel.priority,
    weight: channel.weight,
    /** Takes traffic when healthy: enabled in its configuration and not disabled at run time. */
    enabled: channel.enabled && state.disabled === null,
    configured_enabled: channel.enabled,
    state: channel.enabled ? state.condition : 'disabled',
    disabled_reason: channel.enabled ? (state.disabled?.reason ?? null) : 'disabled in the configuration',
    disabled_by: channel.enabled ? (state.disabled?.by ?? null) : 'configuration',
    disabled_at: isoOrNull(state.disabled?.at),
    cooling_down_until: isoOrNull(state.coolingDownUntil),
    breaker: {
      state: state.breaker,
      consecutive_failures: state.consecutiveFailures,
      openings: state.breakerOpenings,
      open_until: isoOrNull(state.breakerOpenUntil),
    },
    window_seconds: state.windowMs / 1000,
    requests: state.attempts,
    failures: state.failures,
    error_rate: state.errorRate,
    latency_ms: { p50: state.latencyP50Ms, p95: state.latencyP95Ms, smoothed: state.smoothedLatencyMs },
    ttft_ms: { p50: state.timeToFirstTokenP50Ms, p95: state.timeToFirstTokenP95Ms },
  };
}

function encodeTestResult(result: ChannelTestResult) {
  return {
    ok: result.ok,
    channel: result.channelId,
    model: result.model,
    latency_ms: result.latencyMs,
    reply: result.reply,
    error: result.error
      ? { code: result.error.code, message: result.error.message, upstream_status: result.error.upstreamStatus, kind: result.error.kind }
      : null,
  };
}
