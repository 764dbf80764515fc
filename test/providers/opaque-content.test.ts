import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChatRequest, type OpaquePart, type ProviderAdapter, type StreamEvent, type UpstreamTarget } from '../../src/core/index.js';
import { AnthropicAdapter, AnthropicStreamEventParser, buildAnthropicRequestBody } from '../../src/providers/anthropic/index.js';
import { DemoAdapter } from '../../src/providers/demo/demo-adapter.js';
import { closeUpstreamPools } from '../../src/providers/http/index.js';
import { OpenAIAdapter } from '../../src/providers/openai/index.js';
import { openaiCompatibleProvider } from '../../src/providers/openai-compatible/index.js';
import { OpenAIResponsesAdapter } from '../../src/providers/openai-responses/index.js';
import { estimatePromptTokens } from '../../src/metering/estimate-tokens.js';
import { readAnthropicFixture, startMockAnthropicUpstream, type MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startMockOpenAIResponsesUpstream, type MockOpenAIResponsesUpstream } from '../support/mock-openai-responses-upstream.js';
import { gatewayErrorOf } from '../support/gateway-error-of.js';

const documentBlock = {
  type: 'document',
  source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' },
  title: 'Report',
  cache_control: { type: 'ephemeral' },
};
const documentPart: OpaquePart = { type: 'opaque', dialect: 'anthropic-messages', blockType: 'document', block: documentBlock };

const withDocument = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'some-model',
  stream: false,
  messages: [
    { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
    { role: 'user', content: [{ type: 'text', text: 'Summarise this' }, documentPart] },
  ],
  ...overrides,
});

let anthropicMock: MockAnthropicUpstream;
let openaiMock: MockOpenAIUpstream;
let responsesMock: MockOpenAIResponsesUpstream;
const never = new AbortController().signal;

const target = (baseUrl: string, apiKey: string, provider: string): UpstreamTarget => ({
  channelId: 'ch_1',
  channelName: `${provider}-main`,
  provider,
  baseUrl,
  apiKey,
  headers: {},
  upstreamModel: 'upstream-model',
  timeoutMs: 5_000,
});

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

beforeAll(async () => {
  anthropicMock = await startMockAnthropicUpstream({ apiKey: 'sk-ant-mock' });
  openaiMock = await startMockOpenAIUpstream({ apiKey: 'sk-openai-mock' });
  responsesMock = await startMockOpenAIResponsesUpstream({ apiKey: 'sk-responses-mock' });
});
beforeEach(() => {
  anthropicMock.reset();
  openaiMock.reset();
  responsesMock.reset();
});
afterAll(async () => {
  await closeUpstreamPools();
  await anthropicMock.close();
  await openaiMock.close();
  await responsesMock.close();
});

describe('opaque content towards Anthropic', () => {
  it('sends the block as it arrived when the request is translated', () => {
    const body = buildAnthropicRequestBody(withDocument(), 'claude-sonnet-4-5-20250929', false);
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Summarise this' }, documentBlock] }]);
  });

  it('keeps an opaque block in an assistant turn in place', () => {
    const serverToolUse = { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'weather' } };
    const body = buildAnthropicRequestBody(
      {
        model: 'claude-sonnet-4-5',
        stream: false,
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
          { role: 'assistant', content: [{ type: 'opaque', dialect: 'anthropic-messages', blockType: 'server_tool_use', block: serverToolUse }, { type: 'text', text: 'Sunny.' }] },
        ],
      },
      'claude-sonnet-4-5-20250929',
      false,
    );
    expect((body.messages as unknown[])[1]).toEqual({ role: 'assistant', content: [serverToolUse, { type: 'text', text: 'Sunny.' }] });
  });

  it('sends the client body unchanged on the passthrough path', async () => {
    const original = { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: [{ type: 'text', text: 'Summarise this' }, documentBlock] }] };
    const adapter = new AnthropicAdapter();
    await adapter.chat(withDocument({ original: { dialect: 'anthropic-messages', body: original } }), target(anthropicMock.url, 'sk-ant-mock', 'anthropic'), never);
    expect(anthropicMock.requests[0]?.body?.messages).toEqual(original.messages);
  });

  it('sends the translated block over the wire', async () => {
    await new AnthropicAdapter().chat(withDocument(), target(anthropicMock.url, 'sk-ant-mock', 'anthropic'), never);
    const sent = anthropicMock.requests[0]?.body?.messages as Array<{ content: unknown[] }>;
    expect(sent[0]?.content[1]).toEqual(documentBlock);
  });
});

describe('opaque content towards other upstreams', () => {
  const cases: Array<{ name: string; adapter: () => ProviderAdapter; target: () => UpstreamTarget; requests: () => unknown[]; providerName: string }> = [
    { name: 'openai', adapter: () => new OpenAIAdapter(), target: () => target(`${openaiMock.url}/v1`, 'sk-openai-mock', 'openai'), requests: () => openaiMock.requests, providerName: 'openai' },
    {
      name: 'openai-compatible',
      adapter: () => openaiCompatibleProvider.create(),
      target: () => target(`${openaiMock.url}/v1`, 'sk-openai-mock', 'openai-compatible'),
      requests: () => openaiMock.requests,
      providerName: 'openai-compatible',
    },
    {
      name: 'openai-responses',
      adapter: () => new OpenAIResponsesAdapter(),
      target: () => target(`${responsesMock.url}/v1`, 'sk-responses-mock', 'openai-responses'),
      requests: () => responsesMock.requests,
      providerName: 'openai-responses',
    },
  ];

  it.each(cases)('$name refuses it with a 400 naming the field, without calling the upstream', async ({ adapter, target: targetOf, requests, providerName }) => {
    const plain = await gatewayErrorOf(adapter().chat(withDocument(), targetOf(), never));
    expect(plain.status).toBe(400);
    expect(plain.code).toBe('invalid_request');
    expect(plain.details.param).toBe('messages[1].content[1]');
    expect(plain.message).toBe(`document content cannot be sent to ${providerName} (messages[1].content[1])`);
    const streamed = await gatewayErrorOf(adapter().chatStream(withDocument({ stream: true }), targetOf(), never));
    expect(streamed.details.param).toBe('messages[1].content[1]');
    expect(requests()).toHaveLength(0);
  });

  it('names the position the client gave when the decoder recorded it', async () => {
    const request = withDocument();
    request.messages[1]!.content[1] = { ...documentPart, param: 'messages[0].content[1]' };
    const error = await gatewayErrorOf(new OpenAIAdapter().chat(request, target(`${openaiMock.url}/v1`, 'sk-openai-mock', 'openai'), never));
    expect(error.details.param).toBe('messages[0].content[1]');
  });

  it('the demo provider ignores it', async () => {
    const response = await new DemoAdapter().chat(withDocument());
    expect(response.choices[0]?.content).toEqual([{ type: 'text', text: 'Summarise this' }]);
  });
});

describe('token estimation of opaque content', () => {
  it('counts the JSON text of the block', () => {
    const without = estimatePromptTokens({ model: 'm', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'Summarise this' }] }] });
    const withBlock = estimatePromptTokens({ model: 'm', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'Summarise this' }, documentPart] }] });
    expect(withBlock - without).toBeGreaterThanOrEqual(10);
  });
});

describe('AnthropicStreamEventParser with redacted thinking', () => {
  it('emits the redacted block as a reasoning delta carrying its data', async () => {
    anthropicMock.setScenario({ sse: readAnthropicFixture('stream-redacted-thinking.sse'), chunkBytes: 11 });
    const opened = await new AnthropicAdapter().chatStream(withDocument({ stream: true }), target(anthropicMock.url, 'sk-ant-mock', 'anthropic'), never);
    const events = await collect(opened.events);
    const reasoning = events.filter((event) => event.type === 'reasoning-delta');
    expect(reasoning).toEqual([
      { type: 'reasoning-delta', choiceIndex: 0, text: 'The user wants a short answer.' },
      { type: 'reasoning-delta', choiceIndex: 0, text: '', signature: 'EqQBCgIYAhIMsig1AbCdEfGh' },
      {
        type: 'reasoning-delta',
        choiceIndex: 0,
        text: '',
        redacted: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB4URj8WEkqNXA',
      },
    ]);
  });

  it('reads a redacted block start directly', () => {
    const parser = new AnthropicStreamEventParser();
    expect(parser.parse({ type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: 'abc' } })).toEqual([
      { type: 'reasoning-delta', choiceIndex: 0, text: '', redacted: 'abc' },
    ]);
  });
});
