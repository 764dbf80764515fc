/** Pieces shared by the tests that run the built gateway with several workers. */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { generateApiKey } from '../../src/accounts/api-key-format.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';

export const WORKER_HEADER = 'x-switchyard-worker';

export interface Answer {
  status: number;
  /** `<index>/<pid>` of the worker that answered. */
  worker: string;
  body: string;
}

/**
 * One request on a connection of its own (no keep-alive pool), so that the primary hands it to
 * the next worker in turn.
 */
export function onNewConnection(
  url: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
): Promise<Answer> {
  const target = new URL(path, url);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      target,
      {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        agent: false,
        headers: { connection: 'close', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, worker: String(response.headers[WORKER_HEADER] ?? ''), body: text }));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    if (options.timeoutMs !== undefined) outgoing.setTimeout(options.timeoutMs, () => outgoing.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    outgoing.end(body);
  });
}

export function workerPid(worker: string): number {
  return Number(worker.split('/')[1]);
}

export function workerIndex(worker: string): number {
  return Number(worker.split('/')[0]);
}

export interface FundedKey {
  key: string;
  accountId: string;
}

/** An account with `credit` (units) and an API key with the limits given. */
export async function fundedKey(store: KyselyStore, credit: bigint, limits: { budget?: bigint; rpm?: number } = {}): Promise<FundedKey> {
  const account = await store.createAccount({ id: `acct_${randomUUID()}`, email: `${randomUUID()}@example.com`, passwordHash: null, role: 'user', createdAt: Date.now() });
  await store.appendLedgerEntry({ id: randomUUID(), accountId: account.id, kind: 'top_up', amount: credit, idempotencyKey: `top_up:${randomUUID()}`, generationId: null, note: null, createdAt: Date.now() });
  const material = generateApiKey();
  await store.createApiKey({
    id: `key_${randomUUID()}`,
    accountId: account.id,
    name: 'workers',
    prefix: material.prefix,
    hash: material.hash,
    models: [],
    budget: limits.budget ?? null,
    rpm: limits.rpm ?? null,
    tpm: null,
    expiresAt: null,
    createdAt: Date.now(),
  });
  return { key: material.key, accountId: account.id };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function countBy<T>(items: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}
