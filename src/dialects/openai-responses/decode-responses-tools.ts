import type { ToolChoice, ToolDefinition } from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import { isJsonObject } from '../openai-chat/is-json-object.js';

/** OpenAI treats a function without `parameters` as one taking no arguments. */
const noParameters: Record<string, unknown> = { type: 'object', properties: {} };

export interface DecodedTools {
  tools: ToolDefinition[];
  /**
   * Non-function tools (`web_search`, `namespace`, `file_search`, hosted tools, ...) have no
   * canonical form and no meaning on another vendor's upstream. Rule: they are left out of the
   * canonical request (an upstream speaking Responses still gets them through `original`), and
   * listed here so the route can say so in a header. Never a 400: agent clients send them always.
   */
  dropped: string[];
}

export function decodeResponsesTools(tools: unknown[]): DecodedTools {
  const decoded: ToolDefinition[] = [];
  const dropped: string[] = [];
  tools.forEach((tool, index) => {
    const param = `tools[${index}]`;
    if (!isJsonObject(tool)) {
      throw new GatewayError('invalid_request', `Invalid '${param}': expected a tool object.`, { param });
    }
    if (tool.type !== 'function') {
      dropped.push(typeof tool.type === 'string' ? tool.type : 'unknown');
      return;
    }
    if (typeof tool.name !== 'string' || tool.name === '') {
      throw new GatewayError('invalid_request', `Invalid '${param}.name': expected a non-empty string.`, { param: `${param}.name` });
    }
    const definition: ToolDefinition = {
      name: tool.name,
      parameters: isJsonObject(tool.parameters) ? tool.parameters : noParameters,
    };
    if (typeof tool.description === 'string') definition.description = tool.description;
    if (typeof tool.strict === 'boolean') definition.strict = tool.strict;
    decoded.push(definition);
  });
  return { tools: decoded, dropped };
}

/**
 * `tool_choice`: a mode string, `{type: 'function', name}`, or a choice of a hosted tool. A hosted
 * tool is dropped (see `decodeResponsesTools`), so choosing one becomes `auto`; `allowed_tools`
 * becomes its mode, since the canonical request cannot narrow the list per turn.
 */
export function decodeResponsesToolChoice(choice: unknown): ToolChoice | undefined {
  if (choice == null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (isJsonObject(choice)) {
    if (choice.type === 'function' && typeof choice.name === 'string') return { name: choice.name };
    if (choice.type === 'allowed_tools') return choice.mode === 'required' ? 'required' : 'auto';
    if (typeof choice.type === 'string') return 'auto';
  }
  throw new GatewayError('invalid_request', "Invalid 'tool_choice': expected 'auto', 'none', 'required' or a tool.", {
    param: 'tool_choice',
  });
}
