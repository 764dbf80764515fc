import { z } from 'zod';

/** One upstream endpoint: a channel serves some models of one provider. */
export interface ChannelConfig {
  name: string;
  provider: string;
  /** Without a trailing slash; null means the provider's default base URL. */
  baseUrl: string | null;
  apiKey: string;
  /** Public model ids; "*" means every catalog model of this provider. */
  models: string[];
  /** Public model id -> model id sent upstream. */
  modelMap: Record<string, string>;
  /** Tier: 0 is tried first, higher numbers are fallbacks. */
  priority: number;
  /** Share of traffic within a tier. */
  weight: number;
  timeoutMs: number;
  /** Deadlines of each phase of an upstream exchange; only the phases the file names (others: defaults). */
  timeouts?: ChannelTimeoutsConfig;
  headers: Record<string, string>;
  enabled: boolean;
  /** This channel's own markup on official prices; null: the global `pricing.markup`. */
  markup: number | null;
  /** Where the channel was defined: the YAML file or a `<PROVIDER>_API_KEY` variable. */
  source: 'file' | 'env';
}

/** Milliseconds; 0 means no limit for that phase. */
export interface ChannelTimeoutsConfig {
  connectMs?: number;
  firstByteMs?: number;
  idleMs?: number;
  totalMs?: number;
}

/** Our price in USD per 1M tokens (per image / per request for `image` and `request`). */
export interface ModelPricingConfig {
  input?: number;
  output?: number;
  cachedInput?: number;
  cacheWrite?: number;
  reasoning?: number;
  image?: number;
  request?: number;
}

/** How channels are ordered within a priority tier: weighted random, or fastest measured first. */
export type RoutingStrategy = 'priority' | 'least-latency';

/** Failover and channel health: how many channels a request may try, when a channel is rested. */
export interface RoutingConfig {
  /** Upstream attempts per request at most, across all channels and fallback models. */
  maxAttempts: number;
  strategy: RoutingStrategy;
  /** Public model id -> strategy, for the models that should not use `strategy`. */
  modelStrategies: Record<string, RoutingStrategy>;
  /** A run of `failures` failures opens a channel's breaker for `cooldownMs`, doubling per re-open up to `maxCooldownMs`. */
  breaker: { failures: number; cooldownMs: number; maxCooldownMs: number };
  /** How often channels disabled for a rejected credential are tried again. */
  probeIntervalMs: number;
}

/** An addition to, or an override of, a built-in catalog model. */
export interface ModelConfig {
  id: string;
  provider: string;
  name?: string;
  pricing?: ModelPricingConfig;
  contextWindow?: number;
  maxOutputTokens?: number;
}

export interface SwitchyardConfig {
  /** Our price = official price × markup, unless a model overrides its pricing. */
  pricing: { markup: number };
  channels: ChannelConfig[];
  models: ModelConfig[];
  server: {
    bodyLimitBytes: number;
    shutdownGraceMs: number;
    /** Which peers may name the client's address in X-Forwarded-For: none, any, or these addresses/CIDRs. */
    trustProxy: boolean | string[];
    /** An SSE comment goes to a streaming client after this much silence; 0 sends none. */
    streamKeepaliveMs: number;
    /** How long a Responses API answer stays available to `previous_response_id`. */
    storedResponsesTtlMs: number;
  };
  auth: { signup: boolean };
  routing: RoutingConfig;
  /** Low-balance notifications: POSTed to `webhookUrl` when a balance drops below the threshold (USD). */
  billing: { lowBalanceThreshold: number | null; lowBalanceWebhook: string | null; webhookSecret: string | null };
}

export const DEFAULT_BODY_LIMIT_BYTES = 32 * 1024 * 1024;
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
export const DEFAULT_STORED_RESPONSES_TTL_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_CHANNEL_TIMEOUT_MS = 600_000;
/** Below the idle limits of common proxies and load balancers (often 30 to 60 s). */
export const DEFAULT_STREAM_KEEPALIVE_MS = 15_000;

export function defaultRoutingConfig(): RoutingConfig {
  return {
    maxAttempts: 3,
    strategy: 'priority',
    modelStrategies: {},
    breaker: { failures: 3, cooldownMs: 30_000, maxCooldownMs: 300_000 },
    probeIntervalMs: 60_000,
  };
}

/** The configuration in force when there is no file at all. */
export function defaultConfig(): SwitchyardConfig {
  return {
    pricing: { markup: 1 },
    channels: [],
    models: [],
    server: { bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES, shutdownGraceMs: DEFAULT_SHUTDOWN_GRACE_MS, trustProxy: false, streamKeepaliveMs: DEFAULT_STREAM_KEEPALIVE_MS, storedResponsesTtlMs: DEFAULT_STORED_RESPONSES_TTL_MS },
    auth: { signup: true },
    routing: defaultRoutingConfig(),
    billing: { lowBalanceThreshold: null, lowBalanceWebhook: null, webhookSecret: null },
  };
}

/** The keys each mapping of the file accepts, by path pattern ("[]" stands for any list index). */
export const allowedKeysByPathPattern: Readonly<Record<string, readonly string[]>> = {
  '': ['pricing', 'channels', 'models', 'server', 'auth', 'billing', 'routing'],
  pricing: ['markup'],
  'channels[]': [
    'name', 'provider', 'base_url', 'api_key', 'models', 'model_map',
    'priority', 'weight', 'timeout_ms', 'timeouts', 'headers', 'enabled', 'markup',
  ],
  'channels[].timeouts': ['connect_ms', 'first_byte_ms', 'idle_ms', 'total_ms'],
  'models[]': ['id', 'provider', 'name', 'pricing', 'context_window', 'max_output_tokens'],
  'models[].pricing': ['input', 'output', 'cached_input', 'cache_write', 'reasoning', 'image', 'request'],
  server: ['body_limit', 'shutdown_grace_ms', 'trust_proxy', 'stream_keepalive_ms', 'stored_responses_ttl_ms'],
  auth: ['signup'],
  routing: ['max_attempts', 'strategy', 'model_strategies', 'breaker', 'probe_interval_ms'],
  'routing.breaker': ['failures', 'cooldown_ms', 'max_cooldown_ms'],
  billing: ['low_balance_threshold', 'low_balance_webhook', 'webhook_secret'],
};

const byteUnits: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Bytes from a number or a size such as "32mb", "512kb", "1.5 MiB"; null when unreadable. */
export function parseByteSize(value: number | string): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(i?b)?\s*$/i.exec(value);
  if (!match) return null;
  const unitLetter = (match[2] ?? '').toLowerCase();
  if (unitLetter === '' && match[3] !== undefined && match[3].toLowerCase() === 'ib') return null;
  const multiplier = byteUnits[`${unitLetter}b`] ?? 1;
  const bytes = Math.floor(Number(match[1]) * multiplier);
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : null;
}

// `${VAR}` expansion always yields text, so number and boolean fields also accept their text form.
const numericText = /^\s*-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\s*$/i;
const fromNumericText = (value: unknown): unknown =>
  typeof value === 'string' && numericText.test(value) ? Number(value) : value;
const fromBooleanText = (value: unknown): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

const yamlNumber = () => z.preprocess(fromNumericText, z.number());
const yamlWholeNumber = () => z.preprocess(fromNumericText, z.int());
const yamlBoolean = () => z.preprocess(fromBooleanText, z.boolean());
const nonNegativeNumber = () => yamlNumber().check(z.gte(0, 'must be zero or more'));
const positiveWholeNumber = () => yamlWholeNumber().check(z.gt(0, 'must be greater than zero'));
const nonEmptyText = () => z.string().check(z.minLength(1, 'must not be empty'));

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const wholeMilliseconds = () => yamlWholeNumber().check(z.gte(0, 'must be zero (no limit) or more'));

const channelTimeoutsSchema = z
  .strictObject({
    connect_ms: wholeMilliseconds().optional(),
    first_byte_ms: wholeMilliseconds().optional(),
    idle_ms: wholeMilliseconds().optional(),
    total_ms: wholeMilliseconds().optional(),
  })
  .transform((timeouts): ChannelTimeoutsConfig => {
    const result: ChannelTimeoutsConfig = {};
    if (timeouts.connect_ms !== undefined) result.connectMs = timeouts.connect_ms;
    if (timeouts.first_byte_ms !== undefined) result.firstByteMs = timeouts.first_byte_ms;
    if (timeouts.idle_ms !== undefined) result.idleMs = timeouts.idle_ms;
    if (timeouts.total_ms !== undefined) result.totalMs = timeouts.total_ms;
    return result;
  });

function channelSchema(knownProviders: readonly string[]) {
  return z
    .strictObject({
      name: nonEmptyText(),
      provider: z.string().superRefine((provider, context) => {
        if (!knownProviders.includes(provider)) {
          context.addIssue({
            code: 'custom',
            message: `unknown provider "${provider}" (known: ${[...knownProviders].sort().join(', ')})`,
          });
        }
      }),
      base_url: z
        .string()
        .superRefine((url, context) => {
          if (!isHttpUrl(url)) {
            context.addIssue({ code: 'custom', message: `expected an http(s) URL, got ${JSON.stringify(url)}` });
          }
        })
        .nullish(),
      api_key: z.string().optional(),
      models: z.array(nonEmptyText()).check(z.minLength(1, 'must list at least one model (or "*")')),
      model_map: z.record(z.string(), nonEmptyText()).nullish(),
      priority: yamlWholeNumber().check(z.gte(0, 'must be zero or more')).optional(),
      weight: nonNegativeNumber().optional(),
      timeout_ms: positiveWholeNumber().optional(),
      timeouts: channelTimeoutsSchema.nullish(),
      headers: z
        .record(
          z.string().superRefine((name, context) => {
            if (!headerName.test(name)) {
              context.addIssue({ code: 'custom', message: `invalid header name ${JSON.stringify(name)}` });
            }
          }),
          z.string(),
        )
        .nullish(),
      enabled: yamlBoolean().optional(),
      markup: nonNegativeNumber().optional(),
    })
    .superRefine((channel, context) => {
      if (channel.provider === 'demo') return;
      if (channel.api_key === undefined) {
        context.addIssue({ code: 'custom', path: ['api_key'], message: `required for provider "${channel.provider}"` });
      } else if (channel.api_key.trim() === '') {
        context.addIssue({
          code: 'custom',
          path: ['api_key'],
          message: 'is empty (only the demo provider works without a key)',
        });
      }
    })
    .transform(
      (channel): ChannelConfig => ({
        name: channel.name,
        provider: channel.provider,
        baseUrl: channel.base_url ? channel.base_url.replace(/\/+$/, '') : null,
        apiKey: channel.api_key ?? '',
        models: channel.models,
        modelMap: channel.model_map ?? {},
        priority: channel.priority ?? 0,
        weight: channel.weight ?? 1,
        timeoutMs: channel.timeout_ms ?? DEFAULT_CHANNEL_TIMEOUT_MS,
        ...(channel.timeouts ? { timeouts: channel.timeouts } : {}),
        headers: channel.headers ?? {},
        enabled: channel.enabled ?? true,
        markup: channel.markup ?? null,
        source: 'file',
      }),
    );
}

const modelPricingSchema = z
  .strictObject({
    input: nonNegativeNumber().optional(),
    output: nonNegativeNumber().optional(),
    cached_input: nonNegativeNumber().optional(),
    cache_write: nonNegativeNumber().optional(),
    reasoning: nonNegativeNumber().optional(),
    image: nonNegativeNumber().optional(),
    request: nonNegativeNumber().optional(),
  })
  .transform((pricing): ModelPricingConfig => {
    const result: ModelPricingConfig = {};
    if (pricing.input !== undefined) result.input = pricing.input;
    if (pricing.output !== undefined) result.output = pricing.output;
    if (pricing.cached_input !== undefined) result.cachedInput = pricing.cached_input;
    if (pricing.cache_write !== undefined) result.cacheWrite = pricing.cache_write;
    if (pricing.reasoning !== undefined) result.reasoning = pricing.reasoning;
    if (pricing.image !== undefined) result.image = pricing.image;
    if (pricing.request !== undefined) result.request = pricing.request;
    return result;
  });

const modelSchema = z
  .strictObject({
    id: nonEmptyText(),
    // Not checked against the adapters: a catalog model's provider may be its creator.
    provider: nonEmptyText(),
    name: nonEmptyText().optional(),
    pricing: modelPricingSchema.optional(),
    context_window: positiveWholeNumber().optional(),
    max_output_tokens: positiveWholeNumber().optional(),
  })
  .transform((model): ModelConfig => {
    const result: ModelConfig = { id: model.id, provider: model.provider };
    if (model.name !== undefined) result.name = model.name;
    if (model.pricing !== undefined) result.pricing = model.pricing;
    if (model.context_window !== undefined) result.contextWindow = model.context_window;
    if (model.max_output_tokens !== undefined) result.maxOutputTokens = model.max_output_tokens;
    return result;
  });

const bodyLimitSchema = z.union([z.number(), z.string()]).transform((value, context) => {
  const bytes = parseByteSize(value);
  if (bytes === null) {
    context.addIssue({
      code: 'custom',
      message: `expected a size in bytes or such as "32mb" or "512kb", got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return bytes;
});

const routingStrategySchema = z.enum(['priority', 'least-latency']);

const routingSchema = z
  .strictObject({
    max_attempts: positiveWholeNumber().optional(),
    strategy: routingStrategySchema.optional(),
    model_strategies: z.record(nonEmptyText(), routingStrategySchema).nullish(),
    breaker: z
      .strictObject({
        failures: positiveWholeNumber().optional(),
        cooldown_ms: positiveWholeNumber().optional(),
        max_cooldown_ms: positiveWholeNumber().optional(),
      })
      .nullish(),
    probe_interval_ms: positiveWholeNumber().optional(),
  })
  .transform((routing): RoutingConfig => {
    const defaults = defaultRoutingConfig();
    const cooldownMs = routing.breaker?.cooldown_ms ?? defaults.breaker.cooldownMs;
    return {
      maxAttempts: routing.max_attempts ?? defaults.maxAttempts,
      strategy: routing.strategy ?? defaults.strategy,
      modelStrategies: routing.model_strategies ?? {},
      breaker: {
        failures: routing.breaker?.failures ?? defaults.breaker.failures,
        cooldownMs,
        // The ceiling never undercuts the first cooldown.
        maxCooldownMs: Math.max(cooldownMs, routing.breaker?.max_cooldown_ms ?? defaults.breaker.maxCooldownMs),
      },
      probeIntervalMs: routing.probe_interval_ms ?? defaults.probeIntervalMs,
    };
  });

/** The schema of the whole file for a given set of provider ids; its output is normalised. */
export function createConfigSchema(knownProviders: readonly string[]) {
  const defaults = defaultConfig();
  return z
    .strictObject({
      pricing: z.strictObject({ markup: nonNegativeNumber().optional() }).nullish(),
      channels: z
        .array(channelSchema(knownProviders))
        .superRefine((channels, context) => {
          const firstIndexByName = new Map<string, number>();
          channels.forEach((channel, index) => {
            const firstIndex = firstIndexByName.get(channel.name);
            if (firstIndex === undefined) {
              firstIndexByName.set(channel.name, index);
            } else {
              context.addIssue({
                code: 'custom',
                path: [index, 'name'],
                message: `duplicate channel name "${channel.name}" (already used by channels[${firstIndex}])`,
              });
            }
          });
        })
        .nullish(),
      models: z
        .array(modelSchema)
        .superRefine((models, context) => {
          const seen = new Map<string, number>();
          models.forEach((model, index) => {
            const identity = `${model.provider}\u0000${model.id}`;
            const firstIndex = seen.get(identity);
            if (firstIndex === undefined) {
              seen.set(identity, index);
            } else {
              context.addIssue({
                code: 'custom',
                path: [index, 'id'],
                message: `duplicate model "${model.id}" for provider "${model.provider}" (already defined by models[${firstIndex}])`,
              });
            }
          });
        })
        .nullish(),
      server: z
        .strictObject({
          body_limit: bodyLimitSchema.optional(),
          shutdown_grace_ms: yamlWholeNumber().check(z.gte(0, 'must be zero or more')).optional(),
          trust_proxy: z.union([yamlBoolean(), z.array(nonEmptyText())]).optional(),
          stream_keepalive_ms: wholeMilliseconds().optional(),
          stored_responses_ttl_ms: wholeMilliseconds().optional(),
        })
        .nullish(),
      auth: z.strictObject({ signup: yamlBoolean().optional() }).nullish(),
      routing: routingSchema.nullish(),
      billing: z
        .strictObject({
          low_balance_threshold: nonNegativeNumber().optional(),
          low_balance_webhook: z
            .string()
            .superRefine((url, context) => {
              if (!isHttpUrl(url)) context.addIssue({ code: 'custom', message: `expected an http(s) URL, got ${JSON.stringify(url)}` });
            })
            .optional(),
          webhook_secret: nonEmptyText().optional(),
        })
        .nullish(),
    })
    .transform(
      (file): SwitchyardConfig => ({
        pricing: { markup: file.pricing?.markup ?? defaults.pricing.markup },
        channels: file.channels ?? [],
        models: file.models ?? [],
        server: {
          bodyLimitBytes: file.server?.body_limit ?? defaults.server.bodyLimitBytes,
          shutdownGraceMs: file.server?.shutdown_grace_ms ?? defaults.server.shutdownGraceMs,
          trustProxy: file.server?.trust_proxy ?? defaults.server.trustProxy,
          streamKeepaliveMs: file.server?.stream_keepalive_ms ?? defaults.server.streamKeepaliveMs,
          storedResponsesTtlMs: file.server?.stored_responses_ttl_ms ?? defaults.server.storedResponsesTtlMs,
        },
        auth: { signup: file.auth?.signup ?? defaults.auth.signup },
        routing: file.routing ?? defaults.routing,
        billing: {
          lowBalanceThreshold: file.billing?.low_balance_threshold ?? null,
          lowBalanceWebhook: file.billing?.low_balance_webhook ?? null,
          webhookSecret: file.billing?.webhook_secret ?? null,
        },
      }),
    );
}
