// The scenarios of `npm run bench` and the measured cases each one expands to. A case is one model
// (its name selects the mock's behaviour, see mock-model-behaviour.js) at some client counts,
// measured on some targets.

export const COMPARED_TARGETS = ['direct', 'floor', 'switchyard', 'portkey'];
/** The floor proxy does no translation, so it cannot serve an OpenAI client from an Anthropic upstream. */
export const TRANSLATED_TARGETS = ['direct', 'switchyard', 'portkey'];
/** The floor proxy's pair shows what a second worker costs a bare Node proxy on the same machine. */
export const WORKER_TARGETS = ['switchyard', 'switchyard-workers-2', 'floor', 'floor-workers-2'];
/** Scenarios run by their own scripts (written by their owners), folded into the results. */
export const EXTERNAL_SCENARIOS = { 'many-streams': 'many-streams.js', 'slow-store': 'slow-store.js' };

const PROMPT_64K_BYTES = 64 * 1024;

/**
 * @typedef {object} BenchCase
 * @property {string} id unique name in the results
 * @property {string} scenario the selectable scenario it belongs to
 * @property {string} model chosen from the mock's model names
 * @property {'openai' | 'anthropic'} upstream the wire format the mock answers in
 * @property {boolean} stream
 * @property {number[]} concurrencies client counts (full run)
 * @property {string[]} targets
 * @property {number} [chunks] streamed content chunks
 * @property {number} [paceMs] pause between streamed events
 * @property {boolean} [firstTokenOnly] measured for its first token, not for the spread of its chunks
 * @property {number} [delayMs] upstream answer delay
 * @property {boolean} [largePrompt] a 64 KB user message
 * @property {number} [warmupMs] unmeasured load before each window, instead of `--warmup` (not in a smoke run)
 * @property {number} [durationMs] measured window, when longer than `--duration`
 * @property {number} [minimumRounds] rounds in a full run when `--rounds` asks for fewer: a cheap case
 *   whose targets are judged on small differences gets more windows for its medians
 */

/** @type {Record<string, { description: string, cases: BenchCase[] }>} */
export const SCENARIOS = {
  chat: {
    description: 'non-streaming small chat completion',
    // Two targets are ratios of its CPU, at one client each window holds only a few thousand
    // requests, and its windows are short: seven rounds cost a minute more than three.
    cases: [{ id: 'chat', model: 'bench-model', concurrencies: [1, 64], minimumRounds: 7 }],
  },
  'chat-64k': {
    description: 'non-streaming chat completion with a 64 KB prompt',
    cases: [{ id: 'chat-64k', model: 'bench-model', concurrencies: [1, 64], largePrompt: true }],
  },
  'slow-20': {
    description: 'upstream answers after 20 ms: in-flight capacity at 256 clients',
    cases: [{ id: 'slow-20', model: 'bench-delay-20', concurrencies: [256], delayMs: 20 }],
  },
  'slow-1500': {
    description: 'upstream answers after 1.5 s: in-flight capacity (upstream pool) at 1000 clients',
    cases: [{ id: 'slow-1500', model: 'bench-delay-1500', concurrencies: [1000], delayMs: 1500 }],
  },
  stream: {
    description: 'streaming passthrough (OpenAI to OpenAI), 64 chunks unpaced; 8 chunks for the per-chunk slope',
    cases: [
      { id: 'stream-64', model: 'bench-stream-64', stream: true, chunks: 64, concurrencies: [1, 64] },
      { id: 'stream-8', model: 'bench-stream-8', stream: true, chunks: 8, concurrencies: [64] },
    ],
  },
  'stream-translated': {
    description: 'streaming translated (OpenAI client, Anthropic upstream), 64 chunks unpaced; 8 for the slope',
    cases: [
      { id: 'translated-64', model: 'bench-claude-stream-64', upstream: 'anthropic', stream: true, chunks: 64, concurrencies: [1, 64], targets: TRANSLATED_TARGETS },
      { id: 'translated-8', model: 'bench-claude-stream-8', upstream: 'anthropic', stream: true, chunks: 8, concurrencies: [64], targets: TRANSLATED_TARGETS },
    ],
  },
  'stream-paced': {
    description: 'streaming passthrough, 64 chunks 20 ms apart: first token and spread of chunk arrivals; 2 chunks 20 ms apart: first token',
    // A paced stream lasts 1.3 s: 10 s windows give a client seven first tokens a round, not two.
    // Seven medians swung by more than the 1 ms bar from run to run, the floor proxy's too (the
    // mock's 20 ms timer alone fires up to a millisecond late): the first token is timed on
    // streams of two chunks as well, paced alike, which give a hundred a window.
    cases: [
      { id: 'paced-20', model: 'bench-paced-20', stream: true, chunks: 64, paceMs: 20, concurrencies: [1, 64], durationMs: 10_000 },
      { id: 'paced-20-first', model: 'bench-paced-20x2', stream: true, chunks: 2, paceMs: 20, firstTokenOnly: true, concurrencies: [1], durationMs: 10_000 },
    ],
  },
  workers: {
    description:
      'chat at 64 clients per worker, SWITCHYARD_WORKERS=1 against =2 (CPU of the process tree), and the floor proxy ' +
      'with one node:cluster worker against two beside it; ' +
      'a long warm-up, since each worker compiles its hot code on its own, and longer windows: three busy processes ' +
      'on two cores make the CPU per request of a 3 s window swing by ±10 %',
    cases: [
      { id: 'workers', model: 'bench-model', concurrencies: [64], clientsPerWorker: true, warmupMs: 8_000, durationMs: 10_000, targets: WORKER_TARGETS },
    ],
  },
};

for (const [scenario, definition] of Object.entries(SCENARIOS)) {
  for (const benchCase of definition.cases) {
    benchCase.scenario = scenario;
    benchCase.upstream ??= 'openai';
    benchCase.stream ??= false;
    benchCase.targets ??= COMPARED_TARGETS;
  }
}

/** Served too, for trying the Anthropic channel by hand (non-streaming, paced). */
const EXTRA_ANTHROPIC_MODELS = ['bench-claude', 'bench-claude-paced-20'];

/** Every model the gateway config must serve, by the channel's wire format. */
export function benchModels() {
  const cases = Object.values(SCENARIOS).flatMap((definition) => definition.cases);
  const of = (upstream) => cases.filter((benchCase) => benchCase.upstream === upstream).map((benchCase) => benchCase.model);
  return { openai: [...new Set(of('openai'))], anthropic: [...new Set([...of('anthropic'), ...EXTRA_ANTHROPIC_MODELS])] };
}

/** Client counts of quick mode: the same shape, small enough for a smoke run. */
export function quickConcurrency(concurrency) {
  return concurrency <= 1 ? 1 : Math.min(concurrency, 4);
}

/** The small chat of every non-streaming scenario (and of the other bench scripts). */
export const MESSAGES = [
  { role: 'system', content: 'You are a terse assistant.' },
  { role: 'user', content: 'Say hello in one short sentence.' },
];

let largePromptText;
function largePrompt() {
  if (largePromptText === undefined) {
    const sentence = 'The quick brown fox jumps over the lazy dog while the bench measures every byte of it. ';
    largePromptText = sentence.repeat(Math.ceil(PROMPT_64K_BYTES / sentence.length)).slice(0, PROMPT_64K_BYTES);
  }
  return largePromptText;
}

/** The OpenAI Chat Completions body every proxy target receives. */
export function openAIRequestBody(benchCase) {
  const messages = benchCase.largePrompt ? [MESSAGES[0], { role: 'user', content: largePrompt() }] : MESSAGES;
  /** @type {Record<string, unknown>} */
  const body = { model: benchCase.model, messages, max_tokens: 64 };
  if (benchCase.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return JSON.stringify(body);
}

/** The Anthropic Messages body of the same request, sent straight to the mock for the baseline. */
export function anthropicRequestBody(benchCase) {
  const body = { model: benchCase.model, max_tokens: 64, system: MESSAGES[0].content, messages: [MESSAGES[1]] };
  if (benchCase.stream) body.stream = true;
  return JSON.stringify(body);
}
