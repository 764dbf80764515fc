/**
 * The shapes of the three public sources, as far as the sync reads them. Unknown fields are
 * ignored; a models.dev or model-eol file that does not match is refused with the path of the
 * first mismatch, while a LiteLLM entry that does not match is skipped (LiteLLM only fills gaps).
 */
import { z } from 'zod';

const optionalNumber = z.number().optional();

const modelsDevTierSchema = z.object({
  tier: z.object({ size: z.number(), type: z.string().optional() }),
  input: optionalNumber,
  output: optionalNumber,
  cache_read: optionalNumber,
  cache_write: optionalNumber,
  cached_input: optionalNumber,
  cache_input: optionalNumber,
  cached_write: optionalNumber,
});

export const modelsDevCostSchema = z.object({
  input: optionalNumber,
  output: optionalNumber,
  cache_read: optionalNumber,
  cache_write: optionalNumber,
  cached_input: optionalNumber,
  cache_input: optionalNumber,
  cached_write: optionalNumber,
  reasoning: optionalNumber,
  input_audio: optionalNumber,
  output_audio: optionalNumber,
  image: optionalNumber,
  request: optionalNumber,
  citation: optionalNumber,
  tiers: z.array(modelsDevTierSchema).optional(),
});
export type ModelsDevCost = z.infer<typeof modelsDevCostSchema>;

const modelsDevModelSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  family: z.string().optional(),
  attachment: z.boolean().optional(),
  reasoning: z.boolean().optional(),
  temperature: z.boolean().optional(),
  tool_call: z.boolean().optional(),
  structured_output: z.boolean().optional(),
  open_weights: z.boolean().optional(),
  knowledge: z.string().optional(),
  release_date: z.string().optional(),
  last_updated: z.string().optional(),
  modalities: z.object({ input: z.array(z.string()), output: z.array(z.string()) }).optional(),
  limit: z.object({ context: optionalNumber, input: optionalNumber, output: optionalNumber }).optional(),
  cost: modelsDevCostSchema.optional(),
  status: z.string().optional(),
  provider: z.object({ npm: z.string().optional(), api: z.string().optional(), shape: z.string().optional() }).optional(),
  reasoning_options: z.array(z.object({ type: z.string() })).optional(),
});
export type ModelsDevModel = z.infer<typeof modelsDevModelSchema>;

const modelsDevProviderSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  env: z.array(z.string()).default([]),
  npm: z.string().optional(),
  api: z.string().optional(),
  doc: z.string().optional(),
  models: z.record(z.string(), modelsDevModelSchema),
});
export type ModelsDevProvider = z.infer<typeof modelsDevProviderSchema>;

export const modelsDevSchema = z.record(z.string(), modelsDevProviderSchema);

const eolDistributionSchema = z.object({
  via: z.string(),
  announced: z.string().optional(),
  shutdown: z.string().optional(),
  date_precision: z.string().optional(),
  status: z.string().optional(),
  source: z.string().optional(),
});

const eolRecordSchema = z.object({
  id: z.string().min(1),
  aliases: z.array(z.string()).optional(),
  announced: z.string().optional(),
  shutdown: z.string().optional(),
  date_precision: z.string().optional(),
  replacement: z.string().optional(),
  replacement_note: z.string().optional(),
  replacement_options: z.array(z.string()).optional(),
  notes: z.string().optional(),
  source: z.string().optional(),
  distributions: z.array(eolDistributionSchema).optional(),
});
export type EolRecord = z.infer<typeof eolRecordSchema>;

export const eolFileSchema = z.object({
  publisher: z.string().min(1),
  generated: z.string().optional(),
  source: z.string().optional(),
  models: z.array(eolRecordSchema),
});
export type EolFile = z.infer<typeof eolFileSchema>;

export const litellmEntrySchema = z.object({
  litellm_provider: z.string(),
  mode: z.string().optional(),
  input_cost_per_token: optionalNumber,
  output_cost_per_token: optionalNumber,
  cache_read_input_token_cost: optionalNumber,
  cache_creation_input_token_cost: optionalNumber,
  output_cost_per_reasoning_token: optionalNumber,
  input_cost_per_audio_token: optionalNumber,
  output_cost_per_audio_token: optionalNumber,
  input_cost_per_image: optionalNumber,
  output_cost_per_image: optionalNumber,
  input_cost_per_request: optionalNumber,
  deprecation_date: z.string().optional(),
  max_input_tokens: optionalNumber,
  max_output_tokens: optionalNumber,
  supports_function_calling: z.boolean().optional(),
  supports_vision: z.boolean().optional(),
  supports_response_schema: z.boolean().optional(),
  supports_reasoning: z.boolean().optional(),
});
export type LitellmEntry = z.infer<typeof litellmEntrySchema>;

/** All three sources, parsed. */
export interface CatalogSources {
  modelsDev: Record<string, ModelsDevProvider>;
  modelEol: EolFile[];
  /** LiteLLM entries by their key, only those that parse. */
  litellm: Map<string, LitellmEntry>;
  /** LiteLLM's own `last_updated` stamp, when present. */
  litellmUpdated: string | null;
  /** The sources folder's SOURCES.md, when present: it names each source's snapshot. */
  sourcesNote: string | null;
}

export interface RawCatalogSources {
  modelsDev: unknown;
  modelEol: unknown[];
  litellm: unknown;
  sourcesNote: string | null;
}

export function parseCatalogSources(raw: RawCatalogSources): CatalogSources {
  const modelsDev = modelsDevSchema.safeParse(raw.modelsDev);
  if (!modelsDev.success) throw new Error(`models.dev-api.json does not match the expected shape: ${describeIssue(modelsDev.error)}`);
  const modelEol = raw.modelEol.map((file, index) => {
    const parsed = eolFileSchema.safeParse(file);
    if (!parsed.success) throw new Error(`model-eol file #${index + 1} does not match the expected shape: ${describeIssue(parsed.error)}`);
    return parsed.data;
  });
  if (typeof raw.litellm !== 'object' || raw.litellm === null) throw new Error('litellm-model-prices.json is not a JSON object');
  const litellm = new Map<string, LitellmEntry>();
  let litellmUpdated: string | null = null;
  for (const [key, value] of Object.entries(raw.litellm as Record<string, unknown>)) {
    if (key === 'last_updated' && typeof value === 'string') litellmUpdated = value;
    if (key === 'sample_spec') continue;
    const entry = litellmEntrySchema.safeParse(value);
    if (entry.success) litellm.set(key, entry.data);
  }
  return { modelsDev: modelsDev.data, modelEol, litellm, litellmUpdated, sourcesNote: raw.sourcesNote };
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unknown mismatch';
  return `${issue.path.join('.') || '(root)'}: ${issue.message}`;
}
