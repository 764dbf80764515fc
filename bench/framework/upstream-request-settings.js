// What every framework proxy does identically: forward the chat completion to the mock upstream
// under the upstream's model id, as a gateway with a model map would.
export const UPSTREAM_PATH = '/v1/chat/completions';
export const UPSTREAM_MODEL = 'upstream-model';
export const UPSTREAM_HEADERS = {
  'content-type': 'application/json',
  authorization: 'Bearer framework-bench-upstream-key',
};
