/**
 * Tool arguments as the object Anthropic's `input` must be. Arguments that are not a JSON object
 * (a model that produced broken JSON) are kept under `_raw` rather than lost.
 */
export function parseToolInput(argumentsText: string): Record<string, unknown> {
  if (argumentsText.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(argumentsText);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Falls through to keep the text.
  }
  return { _raw: argumentsText };
}
