import type { ChatRequest, ContentPart, FinishReason, Message, ToolDefinition, Usage } from '../../core/index.js';

/**
 * What the demo model answers, decided deterministically from the request:
 * - the last message is a tool result → it repeats that result;
 * - a tool is required (tool_choice `required` or a named tool), or `auto` and the last user
 *   message names one of the tools → it calls that tool, filling string arguments with the
 *   user's text;
 * - otherwise → it repeats the last user message.
 */
export interface DemoReply {
  text: string;
  toolCall: { id: string; name: string; arguments: string } | null;
  finishReason: FinishReason;
  usage: Usage;
}

export function buildDemoReply(request: ChatRequest, callId: string): DemoReply {
  const last = request.messages[request.messages.length - 1];
  const lastUserText = textOf(findLast(request.messages, (message) => message.role === 'user'));
  const tool = chooseTool(request, lastUserText);
  let text = '';
  let toolCall: DemoReply['toolCall'] = null;
  if (last && last.role === 'tool') {
    text = last.content
      .flatMap((part) => (part.type === 'tool_result' ? part.content : [part]))
      .map((part) => (part.type === 'text' ? part.text : ''))
      .join('');
  } else if (tool) {
    toolCall = { id: callId, name: tool.name, arguments: JSON.stringify(argumentsFor(tool, lastUserText)) };
  } else {
    text = lastUserText;
  }
  const limited = limitTokens(text, request.maxOutputTokens);
  const finishReason: FinishReason = toolCall
    ? { unified: 'tool_calls', raw: 'tool_calls' }
    : limited.truncated
      ? { unified: 'length', raw: 'length' }
      : { unified: 'stop', raw: 'stop' };
  const outputTokens = toolCall ? roughTokens(toolCall.name + toolCall.arguments) : roughTokens(limited.text);
  return {
    text: limited.text,
    toolCall,
    finishReason,
    usage: {
      inputTokens: request.messages.reduce((sum, message) => sum + 4 + roughTokens(textOf(message)), 0),
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens,
      reasoningTokens: 0,
      source: 'upstream',
    },
  };
}

/** The demo counts a token per started group of four characters: cheap and deterministic. */
export function roughTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function limitTokens(text: string, maxOutputTokens: number | undefined): { text: string; truncated: boolean } {
  if (maxOutputTokens === undefined || roughTokens(text) <= maxOutputTokens) return { text, truncated: false };
  return { text: text.slice(0, maxOutputTokens * 4), truncated: true };
}

function chooseTool(request: ChatRequest, userText: string): ToolDefinition | undefined {
  const tools = request.tools ?? [];
  if (tools.length === 0 || request.toolChoice === 'none') return undefined;
  const last = request.messages[request.messages.length - 1];
  if (last?.role === 'tool') return undefined;
  const choice = request.toolChoice;
  if (typeof choice === 'object') return tools.find((tool) => tool.name === choice.name);
  if (choice === 'required') return tools[0];
  return tools.find((tool) => userText.includes(tool.name));
}

function argumentsFor(tool: ToolDefinition, userText: string): Record<string, unknown> {
  const properties = (tool.parameters.properties ?? {}) as Record<string, { type?: unknown }>;
  const required = Array.isArray(tool.parameters.required) ? (tool.parameters.required as string[]) : [];
  const result: Record<string, unknown> = {};
  for (const name of required) {
    const type = properties[name]?.type;
    result[name] = type === 'number' || type === 'integer' ? userText.length : type === 'boolean' ? true : userText;
  }
  return result;
}

function textOf(message: Message | undefined): string {
  if (!message) return '';
  return message.content.map((part: ContentPart) => (part.type === 'text' ? part.text : '')).join('');
}

function findLast<T>(items: T[], predicate: (item: T) => boolean): T | undefined {
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index] as T;
    if (predicate(item)) return item;
  }
  return undefined;
}
