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
  headers: Record<string, string>;
  enabled: boolean;
  /** This channel's own markup on official prices; null: the global `pricing.markup`. */
  markup: number | null;
  /** Where the channel was defined: the YAML file or a `<PROVIDER>_API_KEY` variable. */
  source: 'file' | 'env';
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
  };
  auth: { signup: boolean };
  /** Low-balance notifications: POSTed to `webhookUrl` when a balance drops below the threshold (USD). */
  billing: { lowBalanceThreshold: number | null; lowBalanceWebhook: string | null; webhookSecret: string | null };
}

export const DEFAULT_BODY_LIMIT_BYTES = 32 * 1024 * 1024;
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
export const DEFAULT_CHANNEL_TIMEOUT_MS = 600_000;

/** The configuration in force when there is no file at all. */
export function defaultConfig(): SwitchyardConfig {
  return {
    pricing: { markup: 1 },
    channels: [],
    models: [],
    server: { bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES, shutdownGraceMs: DEFAULT_SHUTDOWN_GRACE_MS, trustProxy: false },
    auth: { signup: true },
    billing: { lowBalanceThreshold: null, lowBalanceWebhook: null, webhookSecret: null },
  };
}

/** The keys each mapping of the file accepts, by path pattern ("[]" stands for any list index). */
export const allowedKeysByPathPattern: Readonly<Record<string, readonly string[]>> = {
  '': ['pricing', 'channels', 'models', 'server', 'auth', 'billing'],
  pricing: ['markup'],
  'channels[]': [
    'name', 'provider', 'base_url', 'api_key', 'models', 'model_map',
    'priority', 'weight', 'timeout_ms', 'headers', 'enabled', 'markup',
  ],
  'models[]': ['id', 'provider', 'name', 'pricing', 'context_window', 'max_output_tokens'],
  'models[].pricing': ['input', 'output', 'cached_input', 'cache_write', 'reasoning', 'image', 'request'],
  server: ['body_limit', 'shutdown_grace_ms', 'trust_proxy'],
  auth: ['signup'],
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
        })
        .nullish(),
      auth: z.strictObject({ signup: yamlBoolean().optional() }).nullish(),
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
        },
        auth: { signup: file.auth?.signup ?? defaults.auth.signup },
        billing: {
          lowBalanceThreshold: file.billing?.low_balance_threshold ?? null,
          lowBalanceWebhook: file.billing?.low_balance_webhook ?? null,
          webhookSecret: file.billing?.webhook_secret ?? null,
        },
      }),
    );
}
