/** Shared pieces of the credit tests that run a real gateway. */
import { randomUUID } from 'node:crypto';
import { generateApiKey } from '../../src/accounts/api-key-format.js';
import { decodeChatRequest } from '../../src/dialects/openai-chat/decode-chat-request.js';
import { estimatePromptTokens } from '../../src/metering/estimate-tokens.js';
import { PriceBook } from '../../src/metering/price-book.js';
import { worstCaseCost } from '../../src/credit/worst-case-cost.js';
import type { Store } from '../../src/store/store.js';

/** A model of our own with round prices: 1 USD per 1M input tokens, 2 USD per 1M output tokens. */
export const METERED_MODEL = 'metered-test-model';
const PRICES = new PriceBook([{ modelId: METERED_MODEL, pricing: { input: 1, output: 2 } }]);

export function meteredConfig(upstreamUrl: string, maxOutputTokens = 1000): string {
  return `pricing:
  markup: 1
models:
  - id: ${METERED_MODEL}
    provider: openai
    pricing: { input: 1, output: 2 }
    max_output_tokens: ${maxOutputTokens}
channels:
  - name: mock
    provider: openai
    base_url: ${upstreamUrl}
    api_key: sk-mock
    models: [${METERED_MODEL}]
`;
}

/** The worst case the gateway holds for this body, computed the way the pipeline does. */
export function holdFor(body: Record<string, unknown>, modelLimit: number | null): bigint {
  const request = decodeChatRequest(body);
  return worstCaseCost([{ price: PRICES.priceFor(METERED_MODEL), maxOutputTokens: modelLimit }], estimatePromptTokens(request), request.maxOutputTokens);
}

/** Prompt tokens as the gateway counts them for this body. */
export function promptTokensOf(body: Record<string, unknown>): number {
  return estimatePromptTokens(decodeChatRequest(body));
}

/** SSE answer of a stream that takes a while: a few words, then the usage given. */
export function slowStreamAnswer(intervalMs: number, usage = { prompt: 8, completion: 5 }) {
  const chunk = (delta: unknown, finish: string | null = null, usage: unknown = null) =>
    JSON.stringify({ id: 'chatcmpl-slow', object: 'chat.completion.chunk', created: 1_700_000_000, model: METERED_MODEL, choices: finish === 'usage' ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage });
  return {
    sse: [
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'one ' }),
      chunk({ content: 'two ' }),
      chunk({ content: 'three' }),
      chunk({}, 'stop'),
      chunk({}, 'usage', { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion }),
      '[DONE]',
    ],
    intervalMs,
  };
}

/** An API key of an admin account (the bootstrapped one, else a new one), for `/api/admin/*`. */
export async function adminKey(store: Store, adminEmail = 'admin@localhost'): Promise<string> {
  const admin =
    (await store.findAccountByEmail(adminEmail)) ??
    (await store.createAccount({ id: `acct_${randomUUID()}`, email: adminEmail, passwordHash: null, role: 'admin', createdAt: Date.now() }));
  const material = generateApiKey();
  await store.createApiKey({
    id: `key_${randomUUID()}`,
    accountId: admin.id,
    name: 'admin-test',
    prefix: material.prefix,
    hash: material.hash,
    models: [],
    budget: null,
    rpm: null,
    tpm: null,
    expiresAt: null,
    createdAt: Date.now(),
  });
  return material.key;
}

export interface LedgerReport {
  ok: boolean;
  discrepancies: unknown[];
  open_holds: number;
}

export async function verifyOverHttp(url: string, key: string): Promise<LedgerReport> {
  const response = await fetch(`${url}/api/admin/ledger/verify`, { headers: { authorization: `Bearer ${key}` } });
  if (response.status !== 200) throw new Error(`verify answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as LedgerReport;
}

/** Sends a chat completion and reads the whole answer; resolves with the status. */
export async function chat(url: string, key: string, body: Record<string, unknown>): Promise<number> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

export function countBy<T>(items: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}
