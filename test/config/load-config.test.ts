import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { DEFAULT_BODY_LIMIT_BYTES, parseByteSize } from '../../src/config/config-schema.js';
import { loadConfigFile, parseConfigText, resolveConfigPath } from '../../src/config/load-config.js';

const knownProviders = ['openai', 'anthropic', 'gemini', 'azure-openai', 'openai-compatible', 'demo'];
const options = { env: { OPENAI_API_KEY: 'sk-test' }, knownProviders };

function parse(text: string, env: NodeJS.ProcessEnv = options.env) {
  return parseConfigText(text, 'switchyard.yaml', { env, knownProviders });
}

function errorOf(text: string, env: NodeJS.ProcessEnv = options.env): ConfigError {
  try {
    parse(text, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected the configuration to be refused');
}

const contractExample = `pricing:
  markup: 0.8            # our price = official price x markup
channels:
  - name: openai-main
    provider: openai
    base_url: https://api.openai.com/v1
    api_key: \${OPENAI_API_KEY}
    models: [gpt-4o, gpt-4o-mini, text-embedding-3-small]
    model_map: { gpt-4o: gpt-4o-2024-08-06 }
    priority: 0
    weight: 1
    timeout_ms: 600000
models:
  - id: my-finetune
    provider: openai
    pricing: { input: 3, output: 12 }
`;

describe('parseConfigText: valid files', () => {
  it('reads the contract example into the normalised shape', () => {
    const config = parse(contractExample);
    expect(config.pricing.markup).toBe(0.8);
    expect(config.channels).toEqual([
      {
        name: 'openai-main',
        provider: 'openai',
        baseUrl: 'https://api.openai.com/v1',
        apiKey: 'sk-test',
        models: ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small'],
        modelMap: { 'gpt-4o': 'gpt-4o-2024-08-06' },
        priority: 0,
        weight: 1,
        timeoutMs: 600000,
        headers: {},
        enabled: true,
        markup: null,
        source: 'file',
      },
    ]);
    expect(config.models).toEqual([{ id: 'my-finetune', provider: 'openai', pricing: { input: 3, output: 12 } }]);
  });

  it('fills every default for an empty file and for a minimal channel', () => {
    for (const text of ['', '# only a comment\n']) {
      expect(parse(text)).toEqual({
        pricing: { markup: 1 },
        channels: [],
        models: [],
        server: { bodyLimitBytes: 32 * 1024 * 1024, shutdownGraceMs: 30000, trustProxy: false, streamKeepaliveMs: 15000, storedResponsesTtlMs: 86_400_000 },
        auth: { signup: true },
        routing: {
          maxAttempts: 3,
          strategy: 'priority',
          modelStrategies: {},
          breaker: { failures: 3, cooldownMs: 30000, maxCooldownMs: 300000 },
          probeIntervalMs: 60000,
        },
        billing: { lowBalanceThreshold: null, lowBalanceWebhook: null, webhookSecret: null },
      });
    }
    const config = parse('channels:\n  - name: local\n    provider: demo\n    models: ["*"]\n');
    expect(config.channels[0]).toEqual({
      name: 'local',
      provider: 'demo',
      baseUrl: null,
      apiKey: '',
      models: ['*'],
      modelMap: {},
      priority: 0,
      weight: 1,
      timeoutMs: 600000,
      headers: {},
      enabled: true,
      markup: null,
      source: 'file',
    });
    expect(config.server.bodyLimitBytes).toBe(DEFAULT_BODY_LIMIT_BYTES);
  });

  it('reads per-channel timeouts, keeping only the phases the file names', () => {
    const config = parse(`channels:
  - name: slow-thinker
    provider: demo
    models: ["*"]
    timeouts: { connect_ms: 2000, first_byte_ms: "900000", idle_ms: 0 }
  - name: plain
    provider: demo
    models: ["*"]
`);
    expect(config.channels[0]?.timeouts).toEqual({ connectMs: 2000, firstByteMs: 900000, idleMs: 0 });
    expect(config.channels[1]).not.toHaveProperty('timeouts');
  });

  it('refuses an unknown timeout phase and a negative deadline', () => {
    expect(() => parse('channels:\n  - name: a\n    provider: demo\n    models: ["*"]\n    timeouts: { first_token_ms: 5 }\n')).toThrow(/first_token_ms/);
    expect(() => parse('channels:\n  - name: a\n    provider: demo\n    models: ["*"]\n    timeouts: { idle_ms: -1 }\n')).toThrow(/idle_ms/);
    expect(() => parse('server:\n  stream_keepalive_ms: -5\n')).toThrow(/stream_keepalive_ms/);
  });

  it('reads routing: attempts, strategies and breaker, filling what the file leaves out', () => {
    const config = parse(`routing:
  max_attempts: 5
  strategy: least-latency
  model_strategies: { gpt-4o-mini: priority }
  breaker: { failures: 4, cooldown_ms: "20000" }
`);
    expect(config.routing).toEqual({
      maxAttempts: 5,
      strategy: 'least-latency',
      modelStrategies: { 'gpt-4o-mini': 'priority' },
      breaker: { failures: 4, cooldownMs: 20000, maxCooldownMs: 300000 },
      probeIntervalMs: 60000,
    });
    // The ceiling never undercuts the first cooldown.
    expect(parse('routing:\n  breaker: { cooldown_ms: 900000, max_cooldown_ms: 1000 }\n').routing.breaker.maxCooldownMs).toBe(900000);
  });

  it('refuses an unknown strategy, a zero max_attempts and an unknown breaker key', () => {
    expect(() => parse('routing:\n  strategy: fastest\n')).toThrow(/strategy/);
    expect(() => parse('routing:\n  max_attempts: 0\n')).toThrow(/max_attempts/);
    expect(() => parse('routing:\n  breaker: { failure: 3 }\n')).toThrow(/did you mean "failures"/);
  });

  it('treats empty sections as their defaults', () => {
    const config = parse('pricing:\nchannels:\nmodels:\nserver:\nauth:\n');
    expect(config.channels).toEqual([]);
    expect(config.pricing.markup).toBe(1);
    expect(config.auth.signup).toBe(true);
  });

  it('reads server, auth and full model pricing in snake_case', () => {
    const config = parse(`server:
  body_limit: 512kb
  shutdown_grace_ms: 5000
  trust_proxy: [10.0.0.0/8]
  stream_keepalive_ms: 5000
  stored_responses_ttl_ms: 3600000
billing:
  low_balance_threshold: 2.5
  low_balance_webhook: https://hooks.example.com/switchyard
auth:
  signup: false
models:
  - id: big
    provider: anthropic
    name: Big Model
    context_window: 200000
    max_output_tokens: 64000
    pricing: { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75, reasoning: 15, image: 0.01, request: 0.002 }
`);
    expect(config.server).toEqual({ bodyLimitBytes: 512 * 1024, shutdownGraceMs: 5000, trustProxy: ['10.0.0.0/8'], streamKeepaliveMs: 5000, storedResponsesTtlMs: 3_600_000 });
    expect(config.billing).toEqual({ lowBalanceThreshold: 2.5, lowBalanceWebhook: 'https://hooks.example.com/switchyard', webhookSecret: null });
    expect(config.auth.signup).toBe(false);
    expect(config.models[0]).toEqual({
      id: 'big',
      provider: 'anthropic',
      name: 'Big Model',
      contextWindow: 200000,
      maxOutputTokens: 64000,
      pricing: { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75, reasoning: 15, image: 0.01, request: 0.002 },
    });
  });

  it('strips a trailing slash from base_url and keeps headers', () => {
    const config = parse(`channels:
  - name: a
    provider: openai-compatible
    base_url: http://localhost:11434/v1/
    api_key: x
    models: [llama3]
    headers: { OpenAI-Organization: org-1 }
    enabled: false
`);
    expect(config.channels[0]?.baseUrl).toBe('http://localhost:11434/v1');
    expect(config.channels[0]?.headers).toEqual({ 'OpenAI-Organization': 'org-1' });
    expect(config.channels[0]?.enabled).toBe(false);
  });
});

describe('parseConfigText: ${VAR} expansion', () => {
  it('expands anywhere inside a string, with defaults and the $${ escape', () => {
    const config = parse(
      `channels:
  - name: \${REGION}-main
    provider: openai
    base_url: https://\${HOST_NAME}/v1
    api_key: "Bearer-\${OPENAI_API_KEY}"
    models: ["\${MODEL:-gpt-4o}", "literal-$\${NOT_EXPANDED}"]
`,
      { OPENAI_API_KEY: 'sk-1', REGION: 'eu', HOST_NAME: 'proxy.example.com' },
    );
    const channel = config.channels[0];
    expect(channel?.name).toBe('eu-main');
    expect(channel?.baseUrl).toBe('https://proxy.example.com/v1');
    expect(channel?.apiKey).toBe('Bearer-sk-1');
    expect(channel?.models).toEqual(['gpt-4o', 'literal-${NOT_EXPANDED}']);
  });

  it('uses the variable over the default when it is set and non-empty', () => {
    const config = parse('models:\n  - id: ${MODEL_ID:-fallback}\n    provider: openai\n', { MODEL_ID: 'chosen' });
    expect(config.models[0]?.id).toBe('chosen');
  });

  it('turns expanded numbers and booleans into their types', () => {
    const config = parse('pricing:\n  markup: ${MARKUP}\nauth:\n  signup: ${SIGNUP}\nserver:\n  body_limit: ${LIMIT}\n', {
      MARKUP: '0.75',
      SIGNUP: 'false',
      LIMIT: '1mb',
    });
    expect(config.pricing.markup).toBe(0.75);
    expect(config.auth.signup).toBe(false);
    expect(config.server.bodyLimitBytes).toBe(1024 * 1024);
  });

  it('does not expand keys or comments', () => {
    const config = parse('# ${NOT_SET_ANYWHERE}\nchannels:\n  - name: a\n    provider: demo\n    models: ["*"]\n    model_map: { "${X}": y }\n', {});
    expect(config.channels[0]?.modelMap).toEqual({ '${X}': 'y' });
  });

  it('names the line, the key and the variable when a variable is missing', () => {
    const error = errorOf(contractExample, {});
    expect(error.message).toBe('switchyard.yaml:7:14: channels[0].api_key: environment variable OPENAI_API_KEY is not set');
    expect(error.problems[0]).toMatchObject({ line: 7, column: 14, path: 'channels[0].api_key' });
  });

  it('refuses malformed references with their line', () => {
    expect(errorOf('auth:\n  signup: ${SIGNUP\n').message).toMatch(/^switchyard\.yaml:2:11: auth\.signup: unterminated variable reference/);
    expect(errorOf('pricing:\n  markup: ${1BAD}\n').message).toMatch(/^switchyard\.yaml:2:11: pricing\.markup: invalid variable reference/);
  });
});

describe('parseConfigText: every error names the line and the key', () => {
  it('wrong type', () => {
    const error = errorOf(`channels:
  - name: a
    provider: openai
    api_key: k
    models: [gpt-4o]
    priority: high
`);
    expect(error.message).toBe('switchyard.yaml:6:15: channels[0].priority: expected a number, got "high"');
    expect(errorOf('channels:\n  - name: a\n    provider: demo\n    models: [x]\n    priority: 1.5\n').message).toBe(
      'switchyard.yaml:5:15: channels[0].priority: expected a whole number, got 1.5',
    );
  });

  it('wrong type on a list and on a mapping', () => {
    const error = errorOf('channels: yes\nserver: 5\n');
    expect(error.message).toBe(
      'switchyard.yaml:1:11: channels: expected a list, got "yes"\nswitchyard.yaml:2:9: server: expected a mapping, got 5',
    );
  });

  it('unknown top-level key, with a suggestion', () => {
    const error = errorOf('chanels:\n  - name: a\n');
    expect(error.message).toBe('switchyard.yaml:1:1: chanels: unknown key (did you mean "channels"?)');
  });

  it('unknown key inside a channel, listing the allowed ones when nothing is close', () => {
    const error = errorOf(`channels:
  - name: a
    provider: openai
    api_key: k
    models: [gpt-4o]
    colour: blue
`);
    expect(error.message).toMatch(/^switchyard\.yaml:6:5: channels\[0\]\.colour: unknown key \(expected one of: name, provider, base_url,/);
  });

  it('unknown key inside model pricing', () => {
    const error = errorOf('models:\n  - id: m\n    provider: openai\n    pricing: { input: 1, ouput: 2 }\n');
    expect(error.message).toBe('switchyard.yaml:4:26: models[0].pricing.ouput: unknown key (did you mean "output"?)');
  });

  it('duplicate channel name', () => {
    const error = errorOf(`channels:
  - name: main
    provider: demo
    models: ["*"]
  - name: main
    provider: demo
    models: ["*"]
`);
    expect(error.message).toBe('switchyard.yaml:5:11: channels[1].name: duplicate channel name "main" (already used by channels[0])');
  });

  it('unknown provider', () => {
    const error = errorOf('channels:\n  - name: a\n    provider: opnai\n    api_key: k\n    models: [x]\n');
    expect(error.message).toMatch(/^switchyard\.yaml:3:15: channels\[0\]\.provider: unknown provider "opnai" \(known: anthropic, azure-openai, demo,/);
  });

  it('bad URL', () => {
    const error = errorOf('channels:\n  - name: a\n    provider: openai\n    base_url: ftp://example.com\n    api_key: k\n    models: [x]\n');
    expect(error.message).toBe('switchyard.yaml:4:15: channels[0].base_url: expected an http(s) URL, got "ftp://example.com"');
    expect(errorOf('channels:\n  - name: a\n    provider: openai\n    base_url: not a url\n    api_key: k\n    models: [x]\n').message).toContain(
      ':4:15: channels[0].base_url: expected an http(s) URL',
    );
  });

  it('missing required keys point at the channel', () => {
    expect(errorOf('channels:\n  - name: a\n    provider: openai\n').message).toBe(
      'switchyard.yaml:2:5: channels[0].models: required (expected a list)',
    );
    expect(errorOf('channels:\n  - name: a\n    provider: openai\n    models: [x]\n').message).toBe(
      'switchyard.yaml:2:5: channels[0].api_key: required for provider "openai"',
    );
  });

  it('empty models list and empty api_key for a real provider', () => {
    const error = errorOf('channels:\n  - name: a\n    provider: openai\n    api_key: ""\n    models: []\n');
    expect(error.problems.map((problem) => `${problem.line}:${problem.path}:${problem.message}`)).toEqual([
      '4:channels[0].api_key:is empty (only the demo provider works without a key)',
      '5:channels[0].models:must list at least one model (or "*")',
    ]);
  });

  it('negative numbers, bad header names and bad body limits', () => {
    const error = errorOf(`pricing:
  markup: -1
server:
  body_limit: lots
channels:
  - name: a
    provider: demo
    models: ["*"]
    headers: { "bad header": x }
`);
    expect(error.message).toBe(
      [
        'switchyard.yaml:2:11: pricing.markup: must be zero or more',
        'switchyard.yaml:4:15: server.body_limit: expected a size in bytes or such as "32mb" or "512kb", got "lots"',
        'switchyard.yaml:9:16: channels[0].headers["bad header"]: invalid header name "bad header"',
      ].join('\n'),
    );
  });

  it('YAML syntax error', () => {
    const error = errorOf('channels:\n  - name: a\n    provider: [demo\n  - name: b\n');
    expect(error.message).toBe(
      'switchyard.yaml:4:3: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
    expect(errorOf('auth:\n  signup: "open\n').message).toBe('switchyard.yaml:3:1: invalid YAML: Missing closing "quote');
  });

  it('duplicate YAML key', () => {
    const error = errorOf('pricing:\n  markup: 1\npricing:\n  markup: 2\n');
    expect(error.message).toMatch(/^switchyard\.yaml:3:1: invalid YAML: Map keys must be unique/);
  });

  it('a top level that is not a mapping', () => {
    expect(errorOf('- a\n- b\n').message).toBe('switchyard.yaml:1:1: expected a mapping of settings at the top level');
  });
});

describe('parseByteSize', () => {
  it('reads bytes and unit suffixes', () => {
    expect(parseByteSize(1000)).toBe(1000);
    expect(parseByteSize('1000')).toBe(1000);
    expect(parseByteSize('32mb')).toBe(32 * 1024 * 1024);
    expect(parseByteSize('32MB')).toBe(32 * 1024 * 1024);
    expect(parseByteSize('512kb')).toBe(512 * 1024);
    expect(parseByteSize('512 KiB')).toBe(512 * 1024);
    expect(parseByteSize('1.5m')).toBe(1.5 * 1024 * 1024);
    expect(parseByteSize('2gb')).toBe(2 * 1024 ** 3);
    expect(parseByteSize('100b')).toBe(100);
  });

  it('refuses what is not a positive size', () => {
    for (const value of [0, -5, 1.5, 'lots', '', 'mb', '10 tb', '-1mb', '0kb']) {
      expect(parseByteSize(value)).toBeNull();
    }
  });

  it('is applied to server.body_limit as a number', () => {
    expect(parse('server:\n  body_limit: 2048\n').server.bodyLimitBytes).toBe(2048);
  });
});

describe('loadConfigFile and resolveConfigPath', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'switchyard-config-'));

  it('loads a file and names it in errors', () => {
    const good = path.join(directory, 'good.yaml');
    writeFileSync(good, 'pricing:\n  markup: 2\n');
    expect(loadConfigFile(good, options).pricing.markup).toBe(2);

    const bad = path.join(directory, 'bad.yaml');
    writeFileSync(bad, 'pricing:\n  markup: two\n');
    expect(() => loadConfigFile(bad, options)).toThrow(/bad\.yaml:2:11: pricing\.markup: expected a number, got "two"$/);
  });

  it('refuses a missing file', () => {
    const missing = path.join(directory, 'missing.yaml');
    expect(() => loadConfigFile(missing, options)).toThrow(ConfigError);
    expect(() => loadConfigFile(missing, options)).toThrow(/missing\.yaml: cannot read the config file: file not found/);
  });

  it('prefers SWITCHYARD_CONFIG, then ./switchyard.yaml when present, else nothing', () => {
    const workingDirectory = mkdtempSync(path.join(tmpdir(), 'switchyard-cwd-'));
    expect(resolveConfigPath({}, workingDirectory)).toBeNull();
    expect(resolveConfigPath({ SWITCHYARD_CONFIG: 'conf/other.yaml' }, workingDirectory)).toBe(
      path.join(workingDirectory, 'conf/other.yaml'),
    );
    writeFileSync(path.join(workingDirectory, 'switchyard.yaml'), '');
    expect(resolveConfigPath({}, workingDirectory)).toBe(path.join(workingDirectory, 'switchyard.yaml'));
    expect(resolveConfigPath({ SWITCHYARD_CONFIG: '/etc/switchyard.yaml' }, workingDirectory)).toBe('/etc/switchyard.yaml');
  });
});
