import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AgentSandbox } from './run-agent-cli.js';

/**
 * How to point each agent CLI at a gateway and keep it offline, for a one-shot prompt. Each recipe
 * writes its configuration into the sandbox and returns the arguments and extra environment.
 */
export interface AgentInvocation {
  args: string[];
  environment: Record<string, string>;
}

export interface RecipeInput {
  sandbox: AgentSandbox;
  /** Gateway origin, e.g. `http://127.0.0.1:1234` (no `/v1`). */
  gatewayUrl: string;
  apiKey: string;
  model: string;
  prompt: string;
}

export function claudeCodeInvocation({ gatewayUrl, apiKey, model, prompt }: RecipeInput): AgentInvocation {
  return {
    args: ['-p', prompt, '--model', model],
    environment: {
      ANTHROPIC_BASE_URL: gatewayUrl,
      ANTHROPIC_API_KEY: apiKey,
      ANTHROPIC_MODEL: model,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
      ANTHROPIC_DEFAULT_SONNET_MODEL: model,
      ANTHROPIC_DEFAULT_OPUS_MODEL: model,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
    },
  };
}

export function codexInvocation({ sandbox, gatewayUrl, apiKey, model, prompt }: RecipeInput): AgentInvocation {
  const codexHome = path.join(sandbox.root, 'codex-home');
  mkdirSync(codexHome, { recursive: true });
  writeFileSync(
    path.join(codexHome, 'config.toml'),
    [
      `model = ${JSON.stringify(model)}`,
      'model_provider = "gw"',
      'check_for_update_on_startup = false',
      '',
      '[model_providers.gw]',
      'name = "gw"',
      `base_url = ${JSON.stringify(`${gatewayUrl}/v1`)}`,
      'env_key = "GW_API_KEY"',
      'wire_api = "responses"',
      'supports_websockets = false',
      '',
      '[analytics]',
      'enabled = false',
      '',
      '[feedback]',
      'enabled = false',
      '',
      '[otel]',
      'exporter = "none"',
      'trace_exporter = "none"',
      'metrics_exporter = "none"',
      '',
      '[features]',
      'plugins = false',
      'remote_plugin = false',
      'apps = false',
      '',
    ].join('\n'),
  );
  return {
    args: ['exec', '--skip-git-repo-check', '--ephemeral', '-m', model, prompt],
    environment: { CODEX_HOME: codexHome, GW_API_KEY: apiKey },
  };
}

/** The wire a pi provider speaks, by the gateway dialect it reaches. */
export type GatewayDialect = 'chat-completions' | 'responses' | 'messages';

const piApiByDialect: Record<GatewayDialect, string> = {
  'chat-completions': 'openai-completions',
  responses: 'openai-responses',
  messages: 'anthropic-messages',
};

export function piInvocation({ sandbox, gatewayUrl, apiKey, model, prompt }: RecipeInput, dialect: GatewayDialect): AgentInvocation {
  const agentDirectory = path.join(sandbox.root, 'pi-agent');
  mkdirSync(agentDirectory, { recursive: true });
  // Anthropic's SDK appends `/v1/messages` itself; the OpenAI wires expect the `/v1` base.
  const baseUrl = dialect === 'messages' ? gatewayUrl : `${gatewayUrl}/v1`;
  const models = {
    providers: {
      gw: { baseUrl, api: piApiByDialect[dialect], apiKey: 'GW_API_KEY', models: [{ id: model }] },
    },
  };
  writeFileSync(path.join(agentDirectory, 'models.json'), JSON.stringify(models, null, 2));
  return {
    args: ['-p', '--provider', 'gw', '--model', model, prompt],
    environment: {
      PI_CODING_AGENT_DIR: agentDirectory,
      GW_API_KEY: apiKey,
      PI_OFFLINE: '1',
      PI_SKIP_VERSION_CHECK: '1',
      PI_TELEMETRY: '0',
    },
  };
}

const opencodeProviderPackage: Record<GatewayDialect, string> = {
  'chat-completions': '@ai-sdk/openai-compatible',
  responses: '@ai-sdk/openai',
  messages: '@ai-sdk/anthropic',
};

export function opencodeInvocation({ sandbox, gatewayUrl, apiKey, model, prompt }: RecipeInput, dialect: GatewayDialect, opencodeVersion: string): AgentInvocation {
  const configDirectory = path.join(sandbox.configHome, 'opencode');
  mkdirSync(configDirectory, { recursive: true });
  writeFileSync(
    path.join(configDirectory, 'opencode.json'),
    JSON.stringify(
      {
        autoupdate: false,
        share: 'disabled',
        enabled_providers: ['gw'],
        model: `gw/${model}`,
        small_model: `gw/${model}`,
        provider: {
          gw: {
            npm: opencodeProviderPackage[dialect],
            name: 'gw',
            options: { baseURL: `${gatewayUrl}/v1`, apiKey: '{env:GW_API_KEY}' },
            models: { [model]: {} },
          },
        },
      },
      null,
      2,
    ),
  );
  markPluginInstalled(configDirectory, opencodeVersion);
  return {
    args: ['run', '--pure', '-m', `gw/${model}`, prompt],
    environment: {
      GW_API_KEY: apiKey,
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_SHARE: '1',
      OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
      OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
      OPENCODE_DISABLE_CLAUDE_CODE: '1',
      OPENCODE_DISABLE_EXTERNAL_SKILLS: '1',
    },
  };
}

/** opencode installs its plugin package into the config folder from npm unless it finds it there. */
function markPluginInstalled(configDirectory: string, version: string): void {
  const name = '@opencode-ai/plugin';
  writeFileSync(path.join(configDirectory, 'package.json'), JSON.stringify({ dependencies: { [name]: version } }));
  writeFileSync(
    path.join(configDirectory, 'package-lock.json'),
    JSON.stringify({
      name: 'opencode',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { dependencies: { [name]: version } }, [`node_modules/${name}`]: { version } },
    }),
  );
  const pluginDirectory = path.join(configDirectory, 'node_modules', name);
  mkdirSync(pluginDirectory, { recursive: true });
  writeFileSync(path.join(pluginDirectory, 'package.json'), JSON.stringify({ name, version, type: 'module', main: 'index.js' }));
  writeFileSync(path.join(pluginDirectory, 'index.js'), 'export {};\n');
}
