/** What an upstream error body says, whatever envelope the provider uses. */
export interface UpstreamErrorInfo {
  message: string | null;
  code: string | null;
  type: string | null;
  param: string | null;
  /** The body was a JSON document (as opposed to HTML or plain text from a proxy). */
  isJson: boolean;
}

const maxMessageLength = 500;

/**
 * Reads the provider's error envelope. Knows OpenAI's `{error: {message, type, code, param}}`,
 * the flat `{message, code}` used by several compatible servers, `{error: "text"}`, and FastAPI
 * style `{detail: ...}` / `{message: {detail: [...]}}` validation errors.
 */
export function extractUpstreamError(bodyText: string): UpstreamErrorInfo {
  const info: UpstreamErrorInfo = { message: null, code: null, type: null, param: null, isJson: false };
  const trimmed = bodyText.trim();
  if (trimmed === '') return info;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    info.message = truncate(trimmed);
    return info;
  }
  info.isJson = true;
  const envelope = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!isRecord(envelope)) return info;
  const inner = isRecord(envelope.error) ? envelope.error : envelope;
  info.message = describe(inner.message) ?? describe(envelope.error) ?? describe(inner.detail);
  info.code = scalarText(inner.code);
  info.type = scalarText(inner.type);
  info.param = scalarText(inner.param);
  if (info.message !== null) info.message = truncate(info.message);
  return info;
}

function describe(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const parts = value.map(describe).filter((part): part is string => part !== null);
    return parts.length > 0 ? parts.join('; ') : null;
  }
  if (isRecord(value)) {
    if (typeof value.msg === 'string') {
      const location = Array.isArray(value.loc) ? value.loc.join('.') : null;
      return location ? `${location}: ${value.msg}` : value.msg;
    }
    return describe(value.message) ?? describe(value.detail);
  }
  return null;
}

function scalarText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

function truncate(text: string): string {
  return text.length > maxMessageLength ? `${text.slice(0, maxMessageLength)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
