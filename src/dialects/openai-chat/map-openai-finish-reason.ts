import type { FinishReason } from '../../core/finish-reason.js';

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/**
 * The unified finish reason in OpenAI's vocabulary. OpenAI has no word for `error` or `other`;
 * both become `stop` because clients typed against OpenAI's enum reject anything else, and a
 * failure that matters is reported as an error, not as a finish reason. Some providers say
 * "stop" after a tool call; OpenAI clients look for `tool_calls` to run the tools, so a choice
 * that called tools and stopped normally says so.
 */
export function mapOpenAIFinishReason(reason: FinishReason, legacyFunctions: boolean, calledTools: boolean): OpenAIFinishReason {
  switch (reason.unified) {
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content_filter';
    case 'tool_calls':
      return legacyFunctions ? 'function_call' : 'tool_calls';
    case 'stop':
      if (calledTools) return legacyFunctions ? 'function_call' : 'tool_calls';
      return 'stop';
    default:
      return 'stop';
  }
}
