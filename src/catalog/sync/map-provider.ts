/**
 * models.dev provider records → `SnapshotProvider`, and the per-model `provider` override
 * (some providers serve a few models through another SDK or URL, e.g. Claude on Azure speaks
 * Anthropic's API at `…/anthropic/v1`): it becomes `dialect` / `baseUrl` / `apiShape` on that offer only.
 */
import type { ProviderDialect, SnapshotOffer, SnapshotProvider } from '../catalog-snapshot.js';
import type { ModelsDevModel, ModelsDevProvider } from './source-schemas.js';

/** The npm package of the provider's SDK says which wire dialect it speaks. */
export function dialectOfPackage(npm: string | undefined): ProviderDialect {
  switch (npm) {
    case '@ai-sdk/openai-compatible':
    case '@ai-sdk/openai':
      return 'openai';
    case '@ai-sdk/anthropic':
      return 'anthropic';
    case '@ai-sdk/google':
      return 'gemini';
    default:
      return 'other';
  }
}

/** Base URLs end before the operation path (`…/v1`, not `…/v1/chat/completions`), without a trailing slash. */
export function normalizeBaseUrl(url: string | undefined): string | null {
  if (!url) return null;
  const trimmed = url.trim().replace(/\/chat\/completions\/?$/, '').replace(/\/+$/, '');
  return trimmed.length > 0 ? trimmed : null;
}

export function providerFromModelsDev(provider: ModelsDevProvider): SnapshotProvider {
  return {
    id: provider.id,
    name: provider.name,
    apiKeyEnv: [...provider.env],
    baseUrl: normalizeBaseUrl(provider.api),
    docUrl: provider.doc ?? null,
    dialect: dialectOfPackage(provider.npm),
  };
}

/** Offer fields that differ from the provider's defaults because of a per-model override. */
export function offerTransport(provider: ModelsDevProvider, model: ModelsDevModel): Pick<SnapshotOffer, 'dialect' | 'baseUrl' | 'apiShape'> {
  const override = model.provider;
  if (!override) return {};
  const transport: Pick<SnapshotOffer, 'dialect' | 'baseUrl' | 'apiShape'> = {};
  if (override.npm !== undefined) {
    const dialect = dialectOfPackage(override.npm);
    if (dialect !== dialectOfPackage(provider.npm)) transport.dialect = dialect;
  }
  const baseUrl = normalizeBaseUrl(override.api);
  if (baseUrl !== null && baseUrl !== normalizeBaseUrl(provider.api)) transport.baseUrl = baseUrl;
  if (override.shape) transport.apiShape = override.shape;
  return transport;
}
