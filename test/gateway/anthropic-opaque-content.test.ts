import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { readAnthropicFixture, startMockAnthropicUpstream, type MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';

/**
 * Anthropic content the canonical model does not model (a PDF `document`, as Claude Code sends
 * it) reaches an Anthropic upstream unchanged and is refused by name for an OpenAI upstream; and
 * redacted thinking streamed by an Anthropic upstream reaches a `/v1/messages` client.
 */
let openaiUpstream: MockOpenAIUpstream;
let anthropicUpstream: MockAnthropicUpstream;
let harness: TestGateway;
let key: string;

beforeAll(async () => {
  openaiUpstream = await startMockOpenAIUpstream();
  anthropicUpstream = await startMockAnthropicUpstream({ apiKey: 'sk-ant-mock' });
  harness = await startTestGateway({
    config: `
pricing:
  markup: 1
channels:
  - name: openai-mock
    provider: openai
    base_url: ${openaiUpstream.url}
    api_key: sk-openai-mock
    models: [gpt-4o]
  - name: anthropic-mock
    provider: anthropic
    base_url: ${anthropicUpstream.url}
    api_key: sk-ant-mock
    models: [claude-sonnet-4-5]
`,
  });
  ({ key } = await harness.createKey({ credit: '10' }));
});

afterAll(async () => {
  await harness.close();
  await openaiUpstream.close();
  await anthropicUpstream.close();
});

beforeEach(() => {
  openaiUpstream.reset();
  anthropicUpstream.reset();
});

const anthropic = () => new Anthropic({ apiKey: key, baseURL: harness.url, maxRetries: 0 });

const documentBlock: Anthropic.DocumentBlockParam = {
  type: 'document',
  source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K' },
  title: 'Quarterly report',
  citations: { enabled: true },
  cache_control: { type: 'ephemeral' },
};

describe('a document block through /v1/messages', () => {
  it('reaches an Anthropic upstream unchanged', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: [{ type: 'text', text: 'Summarise the report' }, documentBlock] }];
    const reply = await anthropic().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 256, messages });
    expect(reply.content[0]?.type === 'text' && reply.content[0].text).toBe('Echo: Summarise the report');
    expect(anthropicUpstream.requests).toHaveLength(1);
    expect(anthropicUpstream.requests[0]?.body?.messages).toEqual(messages);

    const streamed = await anthropic().messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 256, messages }).finalMessage();
    expect(streamed.content[0]?.type === 'text' && streamed.content[0].text).toBe('Echo: Summarise the report');
    expect(anthropicUpstream.requests[1]?.body?.messages).toEqual(messages);
  });

  it('is refused for an OpenAI model with a 400 naming the field, before the upstream is called', async () => {
    let caught: unknown;
    try {
      await anthropic().messages.create({
        model: 'gpt-4o',
        max_tokens: 256,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Summarise the report' }, documentBlock] }],
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Anthropic.BadRequestError);
    const error = caught as InstanceType<typeof Anthropic.BadRequestError>;
    expect(error.status).toBe(400);
    expect(error.error).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'document content cannot be sent to openai (messages[0].content[1])' },
    });
    expect(openaiUpstream.requests).toHaveLength(0);
  });
});

describe('redacted thinking streamed by an Anthropic upstream', () => {
  it('reaches the /v1/messages client as a redacted_thinking block', async () => {
    anthropicUpstream.setScenario({ sse: readAnthropicFixture('stream-redacted-thinking.sse'), chunkBytes: 13 });
    const final = await anthropic()
      .messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'Answer briefly' }] })
      .finalMessage();
    expect(final.content).toEqual([
      { type: 'thinking', thinking: 'The user wants a short answer.', signature: 'EqQBCgIYAhIMsig1AbCdEfGh' },
      { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB4URj8WEkqNXA' },
      { type: 'text', text: 'Done.' },
    ]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(41);
  });
});
