/**
 * Ids of output items, derived from the response id so they are unique without a counter shared
 * between requests: `msg_<response>_<n>`, `fc_…`, `rs_…`, in OpenAI's prefixes.
 */
export function outputItemId(kind: 'msg' | 'fc' | 'rs', responseId: string, outputIndex: number): string {
  const base = responseId.startsWith('gen-') ? responseId.slice(4) : responseId;
  return `${kind}_${base}_${outputIndex}`;
}
