import type { ChatRequest, UpstreamTarget } from '../../core/index.js';

export const anthropicVersion = '2023-06-01';

/**
 * Headers of a Messages API request. `anthropic-beta` joins the channel's own list with the one
 * the client sent when it spoke the Anthropic dialect, without repeats. Names are lower-cased so a
 * channel's header replaces ours instead of doubling it.
 */
export function anthropicRequestHeaders(
  request: ChatRequest,
  target: UpstreamTarget,
  accept: string,
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept,
    'anthropic-version': anthropicVersion,
  };
  if (target.apiKey !== '') headers['x-api-key'] = target.apiKey;
  for (const [name, value] of Object.entries(target.headers)) headers[name.toLowerCase()] = value;
  const clientBeta = request.original?.dialect === 'anthropic-messages' ? request.original.headers?.['anthropic-beta'] : undefined;
  const betas = [...splitList(headers['anthropic-beta']), ...splitList(clientBeta)];
  const unique = [...new Set(betas)];
  if (unique.length > 0) headers['anthropic-beta'] = unique.join(',');
  else delete headers['anthropic-beta'];
  return headers;
}

function splitList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
