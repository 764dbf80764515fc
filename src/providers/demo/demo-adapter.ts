import { randomBytes } from 'node:crypto';
import type {
  CancelSignal,
  ChatRequest,
  ChatResponse,
  ContentPart,
  OpenedStream,
  ProviderAdapter,
  StreamEvent,
} from '../../core/index.js';
import { buildDemoReply } from './demo-reply.js';

/** The built-in offline provider: answers without any network, so a new install works at once. */
export class DemoAdapter implements ProviderAdapter {
  readonly id = 'demo';

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const reply = buildDemoReply(request, newCallId());
    const content: ContentPart[] = [];
    if (reply.text) content.push({ type: 'text', text: reply.text });
    if (reply.toolCall) content.push({ type: 'tool_call', ...reply.toolCall });
    return {
      model: 'demo/echo',
      created: Math.floor(Date.now() / 1000),
      choices: Array.from({ length: request.n ?? 1 }, (_, index) => ({
        index,
        content,
        finishReason: reply.finishReason,
      })),
      usage: reply.usage,
    };
  }

  async chatStream(request: ChatRequest, _target: unknown, signal: CancelSignal): Promise<OpenedStream> {
    const reply = buildDemoReply(request, newCallId());
    return { events: demoEvents(reply, signal) };
  }
}

async function* demoEvents(reply: ReturnType<typeof buildDemoReply>, signal: CancelSignal): AsyncGenerator<StreamEvent> {
  yield { type: 'start', model: 'demo/echo', created: Math.floor(Date.now() / 1000) };
  for (const piece of splitIntoWords(reply.text)) {
    if (signal.aborted) return;
    yield { type: 'text-delta', choiceIndex: 0, text: piece };
  }
  if (reply.toolCall) {
    const { id, name, arguments: argumentsText } = reply.toolCall;
    yield { type: 'tool-call-start', choiceIndex: 0, toolIndex: 0, id, name };
    // Arguments arrive in pieces, as real providers send them.
    for (let offset = 0; offset < argumentsText.length; offset += 8) {
      yield { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, argumentsDelta: argumentsText.slice(offset, offset + 8) };
    }
  }
  yield { type: 'finish', choiceIndex: 0, finishReason: reply.finishReason };
  yield { type: 'usage', usage: reply.usage };
}

function splitIntoWords(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

function newCallId(): string {
  return `call_${randomBytes(12).toString('base64url')}`;
}
