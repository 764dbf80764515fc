// Brings up a throw-away Switchyard instance through its public command line only (contract §3):
// a temp data dir and config, `migrate`, `user add`, `key create`, then `serve` until /healthz answers.
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchModels } from './bench-scenarios.js';
import { trackChild } from './child-processes.js';

export const BENCH_MODEL = 'bench-model';
const BENCH_EMAIL = 'bench@example.com';
const COMMAND_TIMEOUT_MS = 60_000;
const HEALTH_TIMEOUT_MS = 30_000;

/**
 * Fails with an actionable message when the gateway has not been built.
 * @param {string} repositoryRoot
 * @param {string} binPath
 * @param {boolean} binIsDefault the dist/ check applies to the repository's own bin only
 */
export function assertGatewayBuilt(repositoryRoot, binPath, binIsDefault) {
  const missing = [];
  if (!existsSync(binPath)) missing.push(path.relative(repositoryRoot, binPath) || binPath);
  if (binIsDefault && !existsSync(path.join(repositoryRoot, 'dist'))) missing.push('dist/');
  if (missing.length > 0) {
    throw new Error(
      `the gateway build is missing (${missing.join(', ')} not found). Run \`npm run build\` first, ` +
        'or use `npm run bench`, which builds when needed.',
    );
  }
}

export function createBenchDirectory() {
  return mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-'));
}

export function removeBenchDirectory(directory) {
  rmSync(directory, { recursive: true, force: true });
}

/**
 * Writes the config of contract §2: an `openai-compatible` channel on the mock (`<mock>/v1`) and an
 * `anthropic` channel on the same mock (the adapter appends `/v1/messages`), each serving every
 * bench model of its wire format, every model priced, so that holds and metering run.
 * @param {string} directory
 * @param {string} mockOrigin
 * @param {{ openai: string[], anthropic: string[] }} [models] default: every model of the bench scenarios
 * @returns {string} the config path
 */
export function writeBenchConfig(directory, mockOrigin, models = benchModels()) {
  const configPath = path.join(directory, 'switchyard.yaml');
  // JSON strings are valid YAML scalars, so quoting is exact whatever the values hold.
  const quoted = JSON.stringify;
  const openAIModels = [...new Set([BENCH_MODEL, ...models.openai])];
  const lines = [
    'pricing:',
    '  markup: 1',
    'channels:',
    '  - name: mock',
    '    provider: openai-compatible',
    `    base_url: ${quoted(`${mockOrigin}/v1`)}`,
    '    api_key: bench-key',
    `    models: [${openAIModels.map((model) => quoted(model)).join(', ')}]`,
  ];
  if (models.anthropic.length > 0) {
    lines.push(
      '  - name: mock-anthropic',
      '    provider: anthropic',
      `    base_url: ${quoted(mockOrigin)}`,
      '    api_key: bench-key',
      `    models: [${models.anthropic.map((model) => quoted(model)).join(', ')}]`,
    );
  }
  lines.push('models:');
  for (const model of openAIModels) {
    lines.push(`  - id: ${quoted(model)}`, '    provider: openai-compatible', '    pricing: { input: 1, output: 2 }');
  }
  for (const model of models.anthropic) {
    lines.push(`  - id: ${quoted(model)}`, '    provider: anthropic', '    pricing: { input: 3, output: 15 }');
  }
  writeFileSync(configPath, `${lines.join('\n')}\n`);
  return configPath;
}

/** Environment of every gateway command: the temp instance, the embedded SQLite store. */
export function gatewayEnvironment(directory, configPath, extra = {}) {
  const environment = { ...process.env, SWITCHYARD_DATA_DIR: directory, SWITCHYARD_CONFIG: configPath, ...extra };
  // The bench measures the default embedded store; a developer's shell must not redirect it.
  delete environment.DATABASE_URL;
  delete environment.REDIS_URL;
  return environment;
}

/**
 * Runs one `switchyard` command; resolves with its stdout, rejects with its stderr.
 * @param {string} binPath
 * @param {string[]} commandArguments
 * @param {NodeJS.ProcessEnv} environment
 */
export function runGatewayCommand(binPath, commandArguments, environment) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [binPath, ...commandArguments],
      { env: environment, timeout: COMMAND_TIMEOUT_MS, maxBuffer: 1024 * 1024, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error) {
          const reason = error.killed ? `timed out after ${COMMAND_TIMEOUT_MS / 1000} s` : `exit code ${error.code}`;
          reject(new Error(`\`switchyard ${commandArguments[0]} ${commandArguments[1] ?? ''}\` failed (${reason}): ${String(stderr).trim().slice(-1500)}`));
        } else {
          resolve(String(stdout));
        }
      },
    );
  });
}

/**
 * migrate, user add (credit 1000 USD), key create; returns the API key.
 * @returns {Promise<string>}
 */
export async function provisionBenchAccount(binPath, environment) {
  await runGatewayCommand(binPath, ['migrate'], environment);
  await runGatewayCommand(binPath, ['user', 'add', '--email', BENCH_EMAIL, '--credit', '1000'], environment);
  const output = await runGatewayCommand(binPath, ['key', 'create', '--email', BENCH_EMAIL], environment);
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  const key = lines[lines.length - 1];
  if (!key || /\s/.test(key)) throw new Error('`switchyard key create` printed no key on stdout');
  return key;
}

export async function findFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Starts `switchyard serve` with its logs in a file of the temp dir, and waits for GET /healthz.
 * Node flags for the gateway alone come from `nodeFlags` (a scenario's own) and from
 * BENCH_GATEWAY_NODE_FLAGS, space-separated (`--trace-gc`, `--cpu-prof` while investigating).
 * @returns {Promise<{ pid: number, origin: string, child: import('node:child_process').ChildProcess, logPath: string, logTail: () => string }>}
 */
export async function startGateway(binPath, environment, directory, nodeFlags = []) {
  const port = await findFreePort();
  const logPath = path.join(directory, 'gateway.log');
  const logDescriptor = openSync(logPath, 'a');
  // Logs go to a file, not a pipe, so that the load generator does not pay for reading them.
  const flags = [...nodeFlags, ...(process.env.BENCH_GATEWAY_NODE_FLAGS ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...flags, binPath, 'serve'], {
    env: { ...environment, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: environment.NODE_ENV ?? 'production' },
    stdio: ['ignore', logDescriptor, logDescriptor],
  });
  closeSync(logDescriptor);
  trackChild(child);
  const logTail = () => {
    try {
      return readFileSync(logPath, 'utf8').slice(-3000);
    } catch {
      return '';
    }
  };
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`\`switchyard serve\` exited early (code ${child.exitCode}, signal ${child.signalCode}). Its log:\n${logTail()}`);
    }
    try {
      const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return { pid: /** @type {number} */ (child.pid), origin, child, logPath, logTail };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`\`switchyard serve\` did not answer GET /healthz within ${HEALTH_TIMEOUT_MS / 1000} s. Its log:\n${logTail()}`);
}
