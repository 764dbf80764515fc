import http from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SettlementJournal } from '../../src/metering/settlement-journal.js';
import { decodeSettlementLine } from '../../src/metering/settlement-line.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

// A request's record must be in the journal before its answer leaves: a process killed right after
// answering must not lose the charge. Journal writes are grouped per turn of the event loop, so the
// order is checked here, as two event logs: the journal's writes and the answers' last writes.
let harness: TestGateway;
let key: string;
const events: string[] = [];

beforeAll(async () => {
  harness = await startTestGateway();
  ({ key } = await harness.createKey({ credit: '10' }));
  const appendEncodedLines = SettlementJournal.prototype.appendEncodedLines;
  vi.spyOn(SettlementJournal.prototype, 'appendEncodedLines').mockImplementation(function (this: SettlementJournal, encoded) {
    for (const line of encoded.bytes.toString('utf8').trimEnd().split('\n')) {
      const record = decodeSettlementLine(line);
      if ('generation' in record) events.push(`journal ${record.generation.id}`);
    }
    return appendEncodedLines.call(this, encoded);
  });
  // Fastify hands its headers to writeHead rather than setting them, so the id is noted there.
  const idOf = new WeakMap<http.ServerResponse, string>();
  const writeHead = http.ServerResponse.prototype.writeHead;
  vi.spyOn(http.ServerResponse.prototype, 'writeHead').mockImplementation(function (this: http.ServerResponse, ...args: unknown[]) {
    const headers = args.find((arg): arg is Record<string, unknown> => typeof arg === 'object' && arg !== null && !Array.isArray(arg));
    const id = headers?.['x-request-id'] ?? this.getHeader('x-request-id');
    if (typeof id === 'string') idOf.set(this, id);
    return (writeHead as (...rest: unknown[]) => http.ServerResponse).apply(this, args);
  });
  const end = http.ServerResponse.prototype.end;
  vi.spyOn(http.ServerResponse.prototype, 'end').mockImplementation(function (this: http.ServerResponse, ...args: unknown[]) {
    const id = idOf.get(this) ?? this.getHeader('x-request-id');
    if (typeof id === 'string') events.push(`answer ${id}`);
    return (end as (...rest: unknown[]) => http.ServerResponse).apply(this, args);
  });
});

afterAll(async () => {
  vi.restoreAllMocks();
  await harness.close();
});

function expectJournaledBeforeAnswered(ids: string[]): void {
  for (const id of ids) {
    const journaled = events.indexOf(`journal ${id}`);
    const answered = events.indexOf(`answer ${id}`);
    expect(journaled, `the record of ${id} was journaled`).toBeGreaterThanOrEqual(0);
    expect(answered, `the answer of ${id} was sent`).toBeGreaterThanOrEqual(0);
    expect(journaled, `${id}: journal before answer`).toBeLessThan(answered);
  }
}

describe('the journal write comes before the answer', () => {
  it('for concurrent chat completions, streamed and not, whose records share journal writes', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${harness.url}/v1`, maxRetries: 0 });
    const ids = await Promise.all(
      Array.from({ length: 8 }, async (_, index) => {
        const messages = [{ role: 'user' as const, content: `request ${index}` }];
        if (index % 2 === 0) {
          const { response } = await client.chat.completions.create({ model: 'demo/echo', messages }).withResponse();
          return response.headers.get('x-request-id')!;
        }
        const { data: stream, response } = await client.chat.completions.create({ model: 'demo/echo', messages, stream: true }).withResponse();
        for await (const chunk of stream) void chunk;
        return response.headers.get('x-request-id')!;
      }),
    );
    expectJournaledBeforeAnswered(ids);
  });

  it('for Anthropic Messages answers', async () => {
    const client = new Anthropic({ apiKey: key, baseURL: harness.url, maxRetries: 0 });
    const { response } = await client.messages
      .create({ model: 'demo/echo', max_tokens: 32, messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expectJournaledBeforeAnswered([response.headers.get('x-request-id')!]);
  });
});
