import type { ImageSource } from '../../core/content-part.js';

/**
 * An OpenAI `image_url.url`: either a link, or a `data:` URL that becomes inline base64 data.
 * Returns an error message for a `data:` URL the upstreams cannot take (not base64, no type).
 */
export function parseImageUrl(url: string): ImageSource | { error: string } {
  if (!url.startsWith('data:')) return { kind: 'url', url };
  // The payload can be megabytes long: find the separator instead of matching it with a pattern.
  const comma = url.indexOf(',');
  if (comma === -1) return { error: 'is a data URL without a comma before its payload' };
  const header = url.slice(5, comma).split(';');
  const mediaType = header[0]?.trim().toLowerCase() ?? '';
  if (!header.slice(1).some((parameter) => parameter.trim().toLowerCase() === 'base64')) {
    return { error: 'is a data URL that is not base64-encoded' };
  }
  if (mediaType === '') return { error: 'is a data URL without a media type (for example data:image/png;base64,...)' };
  return { kind: 'base64', mediaType, data: url.slice(comma + 1) };
}
