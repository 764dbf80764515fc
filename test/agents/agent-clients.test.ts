import { afterAll, beforeAll, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startMockAnthropicUpstream, type MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';
import { agentCliPackages, installAgentCli, type AgentCliPackage } from './install-agent-cli.js';
import { createAgentSandbox, describeRun, runAgentCli } from './run-agent-cli.js';
import {
  claudeCodeInvocation,
  codexInvocation,
  opencodeInvocation,
  piInvocation,
  type AgentInvocation,
  type GatewayDialect,
  type RecipeInput,
} from './agent-client-recipes.js';

/**
 * Real agent CLIs, installed on first use (they are not dependencies of the package), complete a
 * one-shot prompt through the gateway while their model is served by another vendor's upstream.
 * `SWITCHYARD_AGENT_TESTS=0` skips them.
 */
const enabled = process.env.SWITCHYARD_AGENT_TESTS !== '0';
const runTimeoutMs = 120_000;
// A first run installs the CLI, which may take minutes on a slow registry.
const testTimeoutMs = 12 * 60_000;
const prompt = 'Reply to the probe word switchyard-agent-probe';

const endpointByDialect: Record<GatewayDialect, string> = {
  'chat-completions': '/v1/chat/completions',
  responses: '/v1/responses',
  messages: '/v1/messages',
};

interface UsageRecord {
  model: string;
  endpoint: string;
  status: string;
  provider: string;
  prompt_tokens: number;
  completion_tokens: number;
}

let openaiUpstream: MockOpenAIUpstream;
let anthropicUpstream: MockAnthropicUpstream;
let harness: TestGateway;

interface AgentCase {
  title: string;
  cli: AgentCliPackage;
  dialect: GatewayDialect;
  model: 'gpt-4o' | 'claude-sonnet-4-5';
  invocation: (input: RecipeInput) => AgentInvocation;
}

const cases: AgentCase[] = [
  { title: 'Claude Code over /v1/messages with gpt-4o on an OpenAI upstream', cli: agentCliPackages.claudeCode, dialect: 'messages', model: 'gpt-4o', invocation: claudeCodeInvocation },
  { title: 'the Codex CLI over /v1/responses with claude-sonnet-4-5 on an Anthropic upstream', cli: agentCliPackages.codex, dialect: 'responses', model: 'claude-sonnet-4-5', invocation: codexInvocation },
  { title: 'pi over /v1/chat/completions with claude-sonnet-4-5 on an Anthropic upstream', cli: agentCliPackages.pi, dialect: 'chat-completions', model: 'claude-sonnet-4-5', invocation: (input) => piInvocation(input, 'chat-completions') },
  { title: 'pi over /v1/responses with claude-sonnet-4-5 on an Anthropic upstream', cli: agentCliPackages.pi, dialect: 'responses', model: 'claude-sonnet-4-5', invocation: (input) => piInvocation(input, 'responses') },
  { title: 'pi over /v1/messages with gpt-4o on an OpenAI upstream', cli: agentCliPackages.pi, dialect: 'messages', model: 'gpt-4o', invocation: (input) => piInvocation(input, 'messages') },
  { title: 'opencode over /v1/chat/completions with claude-sonnet-4-5 on an Anthropic upstream', cli: agentCliPackages.opencode, dialect: 'chat-completions', model: 'claude-sonnet-4-5', invocation: (input) => opencodeInvocation(input, 'chat-completions', agentCliPackages.opencode.version) },
  { title: 'opencode over /v1/responses with claude-sonnet-4-5 on an Anthropic upstream', cli: agentCliPackages.opencode, dialect: 'responses', model: 'claude-sonnet-4-5', invocation: (input) => opencodeInvocation(input, 'responses', agentCliPackages.opencode.version) },
  { title: 'opencode over /v1/messages with gpt-4o on an OpenAI upstream', cli: agentCliPackages.opencode, dialect: 'messages', model: 'gpt-4o', invocation: (input) => opencodeInvocation(input, 'messages', agentCliPackages.opencode.version) },
];

async function installOrSkip(context: TestContext, cli: AgentCliPackage): Promise<string> {
  try {
    return await installAgentCli(cli);
  } catch (error) {
    const reason = `${cli.packageName}@${cli.version} could not be installed here: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    console.warn(`[agent-clients] skipped: ${reason}`);
    return context.skip(reason);
  }
}

async function usageRecords(key: string): Promise<UsageRecord[]> {
  const response = await fetch(`${harness.url}/api/usage?limit=100`, { headers: { authorization: `Bearer ${key}` } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { data: UsageRecord[] };
  return body.data;
}

if (!enabled) {
  describe('real agent clients through the gateway', () => {
    console.warn('[agent-clients] skipped: SWITCHYARD_AGENT_TESTS=0');
    it.skip('skipped because SWITCHYARD_AGENT_TESTS=0', () => {});
  });
} else {
  describe('real agent clients through the gateway', () => {
    beforeAll(async () => {
      openaiUpstream = await startMockOpenAIUpstream({ apiKey: 'sk-openai-mock' });
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
    });

    afterAll(async () => {
      await harness?.close();
      await openaiUpstream?.close();
      await anthropicUpstream?.close();
    });

    beforeEach(() => {
      openaiUpstream.reset();
      anthropicUpstream.reset();
    });

    it.for(cases)('$title', { timeout: testTimeoutMs }, async ({ cli, dialect, model, invocation }, context) => {
      const executable = await installOrSkip(context, cli);
      const { key } = await harness.createKey({ credit: '10' });
      const sandbox = createAgentSandbox();
      try {
        const { args, environment } = invocation({ sandbox, gatewayUrl: harness.url, apiKey: key, model, prompt });
        const result = await runAgentCli({
          executable,
          args,
          cwd: sandbox.workspace,
          environment: { ...sandbox.environment, ...environment },
          timeoutMs: runTimeoutMs,
        });
        console.info(`[agent-clients] ${cli.packageName}@${cli.version} via ${endpointByDialect[dialect]} (${model}): exit ${result.exitCode} in ${result.durationMs} ms`);

        expect(result.exitCode, describeRun(result)).toBe(0);
        expect(result.stdout, describeRun(result)).toContain('Echo:');
        expect(result.stdout, describeRun(result)).toContain('switchyard-agent-probe');

        // The model's vendor served it, in its own dialect.
        const upstreamRequests = model === 'gpt-4o' ? openaiUpstream.requests : anthropicUpstream.requests;
        expect(upstreamRequests.map((request) => request.path.split('?')[0])).toContain(model === 'gpt-4o' ? '/v1/chat/completions' : '/v1/messages');
        // The agent's function tools were translated, not lost on the way.
        const toolCounts = upstreamRequests.map((request) => (Array.isArray(request.body?.tools) ? request.body.tools.length : 0));
        expect(Math.max(...toolCounts)).toBeGreaterThan(0);

        // The gateway took the request in the agent's dialect and recorded it as a success.
        const records = await usageRecords(key);
        const matching = records.filter((record) => record.endpoint === endpointByDialect[dialect] && record.model === model);
        expect(matching.length, JSON.stringify(records, null, 2)).toBeGreaterThan(0);
        expect(matching.every((record) => record.status === 'success'), JSON.stringify(records, null, 2)).toBe(true);
        expect(matching.some((record) => record.completion_tokens > 0)).toBe(true);
      } finally {
        sandbox.remove();
      }
    });
  });
}
