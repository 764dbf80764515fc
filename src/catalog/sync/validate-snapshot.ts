/**
 * Checks a snapshot before it is written (and the committed one in CI): the schema, then the
 * rules the gateway relies on — unique ids and aliases, every replacement a catalog model, no
 * retirement before its announcement, every model with offers priced, no negative price.
 */
import { z } from 'zod';
import { SNAPSHOT_VERSION, type CatalogSnapshot, type SnapshotPrice } from '../catalog-snapshot.js';

const isoDate = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)');
const price = z.number().finite();
const sourceId = z.enum(['models.dev', 'model-eol', 'litellm']);
const dialect = z.enum(['openai', 'anthropic', 'gemini', 'other']);

const priceSchema = z.strictObject({
  input: price.optional(),
  output: price.optional(),
  cachedInput: price.optional(),
  cacheWrite: price.optional(),
  reasoning: price.optional(),
  inputAudio: price.optional(),
  outputAudio: price.optional(),
  outputImage: price.optional(),
  image: price.optional(),
  request: price.optional(),
  tiers: z
    .array(
      z.strictObject({
        aboveInputTokens: z.number().int().nonnegative(),
        input: price.optional(),
        output: price.optional(),
        cachedInput: price.optional(),
        cacheWrite: price.optional(),
      }),
    )
    .optional(),
});

const offerSchema = z.strictObject({
  provider: z.string().min(1),
  upstreamId: z.string().min(1),
  price: priceSchema.nullable(),
  contextWindow: z.number().int().positive().nullable(),
  maxOutputTokens: z.number().int().positive().nullable(),
  flag: z.enum(['deprecated', 'beta', 'alpha']).nullable(),
  dialect: dialect.optional(),
  baseUrl: z.string().min(1).optional(),
  apiShape: z.string().min(1).optional(),
});

const lifecycleSchema = z.strictObject({
  announced: isoDate.nullable(),
  retiresAt: isoDate.nullable(),
  retiresAtPrecision: z.enum(['day', 'month', 'year']).nullable(),
  retiresAtIsEarliest: z.literal(true).optional(),
  replacement: z.string().min(1).nullable(),
  replacementNote: z.string().nullable(),
  notes: z.string().nullable(),
  platforms: z.array(
    z.strictObject({ via: z.string().min(1), retiresAt: isoDate, source: z.string().nullable(), announced: isoDate.optional(), status: z.string().optional() }),
  ),
  source: z.string().nullable(),
});

const modelSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  creator: z.string().min(1),
  family: z.string().nullable(),
  kind: z.enum(['chat', 'embedding', 'image', 'audio', 'other']),
  description: z.string(),
  modalities: z.strictObject({ input: z.array(z.string()), output: z.array(z.string()) }),
  contextWindow: z.number().int().positive().nullable(),
  maxOutputTokens: z.number().int().positive().nullable(),
  capabilities: z.strictObject({ tools: z.boolean(), vision: z.boolean(), jsonOutput: z.boolean(), reasoning: z.boolean(), temperature: z.boolean() }),
  knowledgeCutoff: z.string().nullable(),
  openWeights: z.boolean().nullable(),
  releaseDate: z.string().nullable(),
  lastUpdated: z.string().nullable(),
  supportedParameters: z.array(z.string()),
  officialPrice: priceSchema.nullable(),
  offers: z.array(offerSchema),
  aliases: z.array(z.string().min(1)),
  lifecycle: lifecycleSchema.nullable(),
  preview: z.boolean(),
  fieldSources: z.record(z.string(), sourceId),
});

export const catalogSnapshotSchema = z.strictObject({
  version: z.literal(SNAPSHOT_VERSION),
  sourcesDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  sources: z.array(z.strictObject({ id: sourceId, origin: z.string().min(1), license: z.string().min(1), snapshot: z.string().min(1) })),
  providers: z.array(
    z.strictObject({
      id: z.string().min(1),
      name: z.string().min(1),
      apiKeyEnv: z.array(z.string()),
      baseUrl: z.string().nullable(),
      docUrl: z.string().nullable(),
      dialect,
    }),
  ),
  models: z.array(modelSchema),
  disagreements: z.array(
    z.strictObject({ modelId: z.string().min(1), field: z.string().min(1), snapshot: z.string(), other: z.string(), otherSource: sourceId }),
  ),
});

/** Every problem found (empty when the snapshot is valid); at most `limit` of them. */
export function validateSnapshot(value: unknown, limit = 50): string[] {
  const parsed = catalogSnapshotSchema.safeParse(value);
  if (!parsed.success) {
    return parsed.error.issues.slice(0, limit).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const problems = semanticProblems(parsed.data as CatalogSnapshot);
  return problems.slice(0, limit);
}

/** Throws with the first problems when the snapshot is not valid. */
export function assertValidSnapshot(value: unknown): asserts value is CatalogSnapshot {
  const problems = validateSnapshot(value, 10);
  if (problems.length > 0) throw new Error(`invalid catalog snapshot: ${problems.join('; ')}`);
}

function semanticProblems(snapshot: CatalogSnapshot): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const model of snapshot.models) {
    if (ids.has(model.id)) problems.push(`model id ${model.id} appears twice`);
    ids.add(model.id);
  }
  const providerIds = new Set(snapshot.providers.map((provider) => provider.id));
  if (providerIds.size !== snapshot.providers.length) problems.push('a provider id appears twice');
  const aliasOwners = new Map<string, string>();
  for (const model of snapshot.models) {
    for (const alias of model.aliases) {
      if (ids.has(alias)) problems.push(`${model.id}: alias ${alias} is another model's id`);
      const owner = aliasOwners.get(alias);
      if (owner !== undefined && owner !== model.id) problems.push(`alias ${alias} belongs to both ${owner} and ${model.id}`);
      aliasOwners.set(alias, model.id);
    }
    for (const offer of model.offers) {
      if (!providerIds.has(offer.provider)) problems.push(`${model.id}: offer from unknown provider ${offer.provider}`);
    }
    const prices = [model.officialPrice, ...model.offers.map((offer) => offer.price)];
    if (prices.some((candidate) => hasNegative(candidate))) problems.push(`${model.id}: negative price`);
    if (model.offers.length > 0 && !prices.some((candidate) => hasPrice(candidate))) problems.push(`${model.id}: offered but priced nowhere`);
    const lifecycle = model.lifecycle;
    if (lifecycle) {
      if (lifecycle.replacement !== null && !ids.has(lifecycle.replacement)) {
        problems.push(`${model.id}: replacement ${lifecycle.replacement} is not a catalog model`);
      }
      if (lifecycle.replacement === model.id) problems.push(`${model.id}: replaced by itself`);
      if (lifecycle.retiresAt !== null && lifecycle.announced !== null && lastDay(lifecycle.retiresAt) < lifecycle.announced) {
        problems.push(`${model.id}: retires ${lifecycle.retiresAt}, before its announcement ${lifecycle.announced}`);
      }
      for (const platform of lifecycle.platforms) {
        if (platform.announced !== undefined && lastDay(platform.retiresAt) < platform.announced) {
          problems.push(`${model.id}: retires on ${platform.via} ${platform.retiresAt}, before its announcement ${platform.announced}`);
        }
      }
    }
  }
  return problems;
}

/** A message when the sources are older than `maxDays` days (the snapshot should be re-synced), else null. */
export function snapshotAgeWarning(snapshot: Pick<CatalogSnapshot, 'sourcesDate'>, now: Date, maxDays = 90): string | null {
  const sourcesAt = Date.parse(`${snapshot.sourcesDate}T00:00:00Z`);
  if (Number.isNaN(sourcesAt)) return `catalog snapshot has no valid sourcesDate (${snapshot.sourcesDate})`;
  const ageDays = Math.floor((now.getTime() - sourcesAt) / 86_400_000);
  if (ageDays <= maxDays) return null;
  return `catalog snapshot sources are ${ageDays} days old (sourcesDate ${snapshot.sourcesDate}, more than ${maxDays}): run \`npm run catalog:sync\` with fresh sources`;
}

function hasPrice(value: SnapshotPrice | null): boolean {
  if (!value) return false;
  return Object.entries(value).some(([key, amount]) => (key === 'tiers' ? Array.isArray(amount) && amount.length > 0 : typeof amount === 'number'));
}

function hasNegative(value: SnapshotPrice | null): boolean {
  if (!value) return false;
  const amounts = Object.entries(value).flatMap(([key, amount]) =>
    key === 'tiers' && Array.isArray(amount) ? amount.flatMap((tier) => Object.entries(tier).filter(([name]) => name !== 'aboveInputTokens').map(([, v]) => v)) : [amount],
  );
  return amounts.some((amount) => typeof amount === 'number' && amount < 0);
}

/** `YYYY-MM` / `YYYY` compared by their last day, so a month-precise retirement is not "before" a day in it. */
function lastDay(date: string): string {
  if (date.length === 7) return `${date}-31`;
  if (date.length === 4) return `${date}-12-31`;
  return date;
}
