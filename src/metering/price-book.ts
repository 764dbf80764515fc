/**
 * Our prices per model, in money units (10^-12 USD) per token, looked up in O(1).
 *
 * Prices arrive in USD per 1M tokens (per request / per image for those kinds). One token at
 * `p` USD per 1M tokens costs `p × 10^12 / 10^6 = p × 10^6` units, so a price with up to six
 * decimals is an exact integer number of units per token.
 */
import { usdToUnits } from './money.js';

/** Our price of one model, in units: per token, except `perRequest` and `perImage`. */
export interface ModelPrice {
  input: bigint;
  output: bigint;
  cachedInput: bigint;
  cacheWrite: bigint;
  /** Price of a reasoning token; null means reasoning tokens cost the same as output tokens. */
  reasoning: bigint | null;
  perRequest: bigint;
  perImage: bigint;
  /** Long-context tiers, ascending: above a prompt size, these token prices replace the base ones. */
  tiers: PriceTier[];
}

/** Token prices (units per token) that apply when a prompt has more than `aboveInputTokens`. */
export interface PriceTier {
  aboveInputTokens: number;
  input: bigint;
  output: bigint;
  cachedInput: bigint;
  cacheWrite: bigint;
}

/** A price amount as written in config or catalog: USD, as a number or a decimal string. */
export type UsdAmount = number | string;

/** USD per 1M tokens for token kinds; USD per request / per image for `request` / `image`. */
export interface PriceSheet {
  input?: UsdAmount;
  output?: UsdAmount;
  cachedInput?: UsdAmount;
  cacheWrite?: UsdAmount;
  reasoning?: UsdAmount;
  request?: UsdAmount;
  image?: UsdAmount;
  tiers?: readonly PriceTierSheet[];
}

/** A long-context tier as quoted: USD per 1M tokens above a prompt size. */
export interface PriceTierSheet {
  aboveInputTokens: number;
  input?: UsdAmount;
  output?: UsdAmount;
  cachedInput?: UsdAmount;
  cacheWrite?: UsdAmount;
}

export interface PriceEntry {
  modelId: string;
  /** Set when the price applies to this provider's offer of the model only. */
  provider?: string;
  /** Our price. A kind given here wins over the official price of that kind. */
  pricing?: PriceSheet;
  /** The provider's list price; our price of a kind not in `pricing` is this × markup. */
  official?: PriceSheet;
}

type PriceKind = Exclude<keyof PriceSheet, 'tiers'>;

const TOKENS_PER_PRICE_QUOTE = 1_000_000n;

/** A non-negative rational number `numerator / denominator`, both bigint. */
interface Ratio {
  numerator: bigint;
  denominator: bigint;
}

const ONE: Ratio = { numerator: 1n, denominator: 1n };

/**
 * Turns a markup such as 0.8 into the exact ratio 8/10.
 * A JS number like 0.8 is really 0.8000000000000000444…; reading its shortest decimal string
 * instead gives the value the operator wrote, so 10 USD × 0.8 is exactly 8 USD.
 */
export function markupToRatio(markup: number | string): Ratio {
  const text = typeof markup === 'number' ? String(markup) : markup.trim();
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!match || (typeof markup === 'number' && !Number.isFinite(markup))) {
    throw new RangeError(`markup must be a non-negative decimal number, got ${text}`);
  }
  const [, whole, fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText) - fraction.length;
  let numerator = BigInt(`${whole}${fraction}`);
  let denominator = 1n;
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator = 10n ** BigInt(-exponent);
  return { numerator, denominator };
}

/** Rounds `numerator / denominator` (both non-negative) to the nearest integer, halves up. */
function divideRoundingHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

function amountToUnits(amount: UsdAmount, kind: PriceKind): bigint {
  const units = usdToUnits(amount);
  if (units < 0n) throw new RangeError(`price ${kind} must not be negative, got ${String(amount)}`);
  return units;
}

/**
 * Units per token (or per request / image) of one kind, scaled by `ratio`.
 * When the exact value is fractional (a markup like 0.7 on a price with six decimals, or a
 * quote finer than 10^-6 USD per 1M tokens), it is rounded half up to a whole unit: a unit is
 * 10^-12 USD, so that rounding moves a price by at most half a millionth of a millionth of a
 * dollar per token, while keeping every later cost an exact integer product.
 */
function scaledUnits(amount: UsdAmount, kind: PriceKind, ratio: Ratio): bigint {
  const perQuantity = kind === 'request' || kind === 'image' ? 1n : TOKENS_PER_PRICE_QUOTE;
  return divideRoundingHalfUp(amountToUnits(amount, kind) * ratio.numerator, perQuantity * ratio.denominator);
}

function resolveModelPrice(entry: PriceEntry, markup: Ratio): ModelPrice {
  const ours = entry.pricing ?? {};
  const official = entry.official ?? {};
  const kindPrice = (kind: PriceKind): bigint | undefined => {
    const own = ours[kind];
    if (own !== undefined) return scaledUnits(own, kind, ONE);
    const list = official[kind];
    if (list !== undefined) return scaledUnits(list, kind, markup);
    return undefined;
  };
  const input = kindPrice('input') ?? 0n;
  const base = {
    input,
    output: kindPrice('output') ?? 0n,
    cachedInput: kindPrice('cachedInput') ?? input,
    cacheWrite: kindPrice('cacheWrite') ?? input,
  };
  // Our own tiers replace the list's whole; otherwise the list's tiers carry the markup.
  const tiers = ours.tiers !== undefined ? resolveTiers(ours.tiers, base, ONE) : resolveTiers(official.tiers ?? [], base, markup);
  return {
    ...base,
    reasoning: kindPrice('reasoning') ?? null,
    perRequest: kindPrice('request') ?? 0n,
    perImage: kindPrice('image') ?? 0n,
    tiers,
  };
}

/** A kind a tier does not quote keeps the base price of that kind (input's tier price for cache kinds). */
function resolveTiers(
  sheets: readonly PriceTierSheet[],
  base: Omit<PriceTier, 'aboveInputTokens'>,
  ratio: Ratio,
): PriceTier[] {
  return sheets
    .map((sheet) => {
      if (!Number.isSafeInteger(sheet.aboveInputTokens) || sheet.aboveInputTokens < 0) {
        throw new RangeError(`tier threshold must be a whole number of tokens, got ${sheet.aboveInputTokens}`);
      }
      const input = sheet.input === undefined ? base.input : scaledUnits(sheet.input, 'input', ratio);
      return {
        aboveInputTokens: sheet.aboveInputTokens,
        input,
        output: sheet.output === undefined ? base.output : scaledUnits(sheet.output, 'output', ratio),
        cachedInput: sheet.cachedInput === undefined ? (sheet.input === undefined ? base.cachedInput : input) : scaledUnits(sheet.cachedInput, 'cachedInput', ratio),
        cacheWrite: sheet.cacheWrite === undefined ? (sheet.input === undefined ? base.cacheWrite : input) : scaledUnits(sheet.cacheWrite, 'cacheWrite', ratio),
      };
    })
    .sort((a, b) => a.aboveInputTokens - b.aboveInputTokens);
}

/**
 * Prices of every known model. Later entries replace earlier ones with the same model and
 * provider, so config overrides can simply be listed after the catalog.
 *
 * A model's general price (used when no entry names the asked provider, or when no provider is
 * asked) is its entry without a provider; when it has none, the first entry listed for it.
 */
export class PriceBook {
  /**
   * Provider, then model. Looked up twice per request: one key built of the two names was a new
   * string each time, which had to be joined and hashed before the lookup could start.
   */
  private readonly byProvider = new Map<string, Map<string, ModelPrice>>();
  private readonly byModel = new Map<string, ModelPrice>();
  private readonly firstProviderOf = new Map<string, string>();

  constructor(entries: readonly PriceEntry[], markup: number | string = 1) {
    const ratio = markupToRatio(markup);
    const generalIsExplicit = new Set<string>();
    for (const entry of entries) {
      const price = resolveModelPrice(entry, ratio);
      if (!entry.provider) {
        this.byModel.set(entry.modelId, price);
        generalIsExplicit.add(entry.modelId);
        continue;
      }
      let ofProvider = this.byProvider.get(entry.provider);
      if (ofProvider === undefined) this.byProvider.set(entry.provider, (ofProvider = new Map()));
      ofProvider.set(entry.modelId, price);
      if (!this.byModel.has(entry.modelId)) this.byModel.set(entry.modelId, price);
      else if (!generalIsExplicit.has(entry.modelId) && this.firstProviderOf.get(entry.modelId) === entry.provider) {
        // The same first provider listed again replaces its own price, including as the general one.
        this.byModel.set(entry.modelId, price);
      }
      if (!this.firstProviderOf.has(entry.modelId)) this.firstProviderOf.set(entry.modelId, entry.provider);
    }
  }

  /** The provider-specific price when there is one, else the model's general price, else null. */
  priceFor(modelId: string, provider?: string | null): ModelPrice | null {
    if (provider) {
      const specific = this.byProvider.get(provider)?.get(modelId);
      if (specific) return specific;
    }
    return this.byModel.get(modelId) ?? null;
  }

  /** Number of models with a price. */
  get size(): number {
    return this.byModel.size;
  }
}
