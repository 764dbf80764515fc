/**
 * Turns a provider's own model id into the key that groups offers of one model.
 *
 * Normalisation rules (conservative: when in doubt, two ids stay two models):
 *  1. Routing namespaces that only say where a model runs are removed:
 *     `accounts/<account>/models/` and `accounts/<account>/routers/` (Fireworks), `workers-ai/` and
 *     `@cf/` (Cloudflare), `hf:` (Hugging Face mirrors), `TEE/`, `Pro/`, `public/`, `route/`, and the
 *     `~` of moving "latest" pointers.
 *  2. Suffixes that only say how it is served are removed: `:free`, `-maas` (Vertex model-as-a-service),
 *     `-TEE`, `@default`; a Vertex `@YYYYMMDD` snapshot becomes `-YYYYMMDD`. Behaviour variants
 *     (`:thinking`, `:online`, size tags such as `:70b`) are kept: they are different offers of behaviour.
 *  3. Bedrock-style ids (`[region.]vendor.model[-vN]:M`, e.g. `us.anthropic.claude-…-v1:0`) lose the
 *     region, the vendor (kept as the vendor hint) and the `:M` / `-N:M` revision; a `-vN` model
 *     version is only dropped as a spelling variant (rule 6), since Amazon's own ids keep it
 *     (`nova-2-lite-v1`).
 *  4. A path id `vendor/name` gives the vendor hint and the name; Clarifai's
 *     `vendor/app/models/name` likewise; any other deeper path is kept whole.
 *  5. The key is the lower-cased name. Dated snapshots (`gpt-4o-2024-08-06`, `claude-…-20250929`)
 *     are never shortened: they stay their own models.
 *  6. Spelling variants are tried only to reach an id that a model's creator itself publishes
 *     (see `resolveModelKey`): `4.5` ↔ `4-5`, Fireworks' `k2p6` → `k2.6`, `2_5` → `2.5`, a
 *     trailing Bedrock `-v1`, and a leading `<provider>-` / `<vendor>-` / `<vendor>-org-` word
 *     (`openai-gpt-4o`, `databricks-claude-…`, `zai-org-glm-4.6`). For Bedrock ids also without a
 *     trailing `-vN` and with the vendor in front (`deepseek.v3.2` → `deepseek-v3.2`); these may
 *     also reach an id other providers use, not only a creator's.
 */

const NAMESPACE_PREFIXES: RegExp[] = [
  /^workers-ai\//,
  /^@cf\//,
  /^hf:/,
  /^accounts\/[^/]+\/(?:models|routers)\//,
  /^(?:TEE|Pro|public|route)\//,
  /^~/,
];

/** Vendor words that appear before the dot of a Bedrock id. */
const BEDROCK_VENDORS = new Set([
  'ai21', 'amazon', 'anthropic', 'cohere', 'deepseek', 'google', 'luma', 'meta', 'minimax', 'mistral',
  'moonshot', 'moonshotai', 'nvidia', 'openai', 'qwen', 'stability', 'twelvelabs', 'writer', 'xai', 'zai',
]);
const BEDROCK_ID = /^(?:(?:us|eu|apac|au|jp|global|us-gov|ca|sa)\.)?([a-z0-9-]+)\.([^/]+)$/;

export interface ParsedModelId {
  /** Lower-cased name: what groups offers of the same model. */
  key: string;
  /** The name with its original case (vendor and namespaces removed). */
  name: string;
  /** Lower-cased vendor word the id carried (`openai`, `meta-llama`, `anthropic`), if any. */
  vendor: string | null;
  /** The id was Bedrock-style (`vendor.model:rev`). */
  bedrockStyle: boolean;
}

export function parseModelId(upstreamId: string): ParsedModelId {
  let text = upstreamId.trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const prefix of NAMESPACE_PREFIXES) {
      const next = text.replace(prefix, '');
      if (next !== text && next.length > 0) {
        text = next;
        changed = true;
      }
    }
  }
  text = text
    .replace(/:free$/i, '')
    .replace(/-maas$/i, '')
    .replace(/-tee$/i, '')
    .replace(/@default$/, '')
    .replace(/@(\d{8})$/, '-$1');

  const segments = text.split('/');
  if (segments.length === 1) {
    const bedrock = BEDROCK_ID.exec(text);
    if (bedrock && BEDROCK_VENDORS.has(bedrock[1] ?? '')) {
      const name = (bedrock[2] ?? '').replace(/-\d+:\d+$/, '').replace(/:\d+$/, '');
      return { key: name.toLowerCase(), name, vendor: bedrock[1] ?? null, bedrockStyle: true };
    }
    return { key: text.toLowerCase(), name: text, vendor: null, bedrockStyle: false };
  }
  const vendor = (segments[0] ?? '').toLowerCase();
  const name = segments.length === 4 && segments[2] === 'models' ? (segments[3] ?? '') : segments.slice(1).join('/');
  return { key: name.toLowerCase(), name, vendor: vendor || null, bedrockStyle: false };
}

/**
 * Other spellings of a key, in a fixed order, tried only against ids a creator publishes.
 * `prefixWords` are words that may precede the name (`openai-gpt-4o`): provider ids and vendor words.
 */
export function keyVariants(key: string, prefixWords: ReadonlySet<string>, bedrockVendor: string | null = null): string[] {
  const bases = [key];
  if (bedrockVendor !== null) {
    const unversioned = key.replace(/-v\d+$/, '');
    bases.push(unversioned, `${bedrockVendor}-${unversioned}`);
  }
  const dash = key.indexOf('-');
  for (let index = dash; index > 0; index = key.indexOf('-', index + 1)) {
    const head = key.slice(0, index);
    const word = head.endsWith('-org') ? head.slice(0, -4) : head;
    if (prefixWords.has(word) || prefixWords.has(head)) bases.push(key.slice(index + 1).replace(/^-+/, ''));
  }
  const variants: string[] = [];
  for (const base of bases) {
    const dotted = base.replace(/(?<=\d)[-_p](?=\d)/g, '.');
    const dashed = base.replace(/(?<=\d)\.(?=\d)/g, '-');
    for (const candidate of [base, dotted, dashed]) {
      if (candidate.length > 0 && !variants.includes(candidate)) variants.push(candidate);
    }
  }
  return variants.filter((candidate) => candidate !== key);
}

/**
 * The group key for an id: its own key when a creator publishes it, else the first spelling
 * variant a creator publishes, else (Bedrock ids only) the first variant another provider uses,
 * else its own key.
 */
export function resolveModelKey(
  key: string,
  creatorKeys: ReadonlySet<string>,
  prefixWords: ReadonlySet<string>,
  bedrockVendor: string | null = null,
  otherKeys: ReadonlySet<string> = new Set(),
): string {
  if (creatorKeys.has(key)) return key;
  const variants = keyVariants(key, prefixWords, bedrockVendor);
  const creatorVariant = variants.find((variant) => creatorKeys.has(variant));
  if (creatorVariant !== undefined) return creatorVariant;
  if (bedrockVendor !== null && !otherKeys.has(key)) {
    const otherVariant = variants.find((variant) => otherKeys.has(variant));
    if (otherVariant !== undefined) return otherVariant;
  }
  return key;
}

/** The vendor word of a Bedrock-style id, which its spelling variants may use. */
export function bedrockVendorOf(parsed: ParsedModelId): string | null {
  return parsed.bedrockStyle ? parsed.vendor : null;
}
