import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Agent CLIs are not dependencies of the package: each is installed on first use, at a pinned
 * version, into its own folder under `node_modules/.cache/switchyard-agents/`, and reused after.
 */
export interface AgentCliPackage {
  /** Short name, used for the cache folder. */
  name: string;
  /** npm package name. */
  packageName: string;
  /** Exact version, so a new release cannot change what the test sees. */
  version: string;
  /** The executable's name in `node_modules/.bin`. */
  binary: string;
}

export const agentCliPackages = {
  claudeCode: { name: 'claude-code', packageName: '@anthropic-ai/claude-code', version: '2.1.332', binary: 'claude' },
  codex: { name: 'codex', packageName: '@openai/codex', version: '0.169.0', binary: 'codex' },
  opencode: { name: 'opencode', packageName: 'opencode-ai', version: '1.18.33', binary: 'opencode' },
  pi: { name: 'pi', packageName: '@mariozechner/pi-coding-agent', version: '0.73.1', binary: 'pi' },
} satisfies Record<string, AgentCliPackage>;

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
export const agentCacheDirectory = path.join(repositoryRoot, 'node_modules', '.cache', 'switchyard-agents');

const installTimeoutMs = 10 * 60 * 1000;

/** Returns the path of the CLI's executable, installing the package first when it is missing. */
export async function installAgentCli(cli: AgentCliPackage): Promise<string> {
  const prefix = path.join(agentCacheDirectory, `${cli.name}-${cli.version}`);
  const executable = path.join(prefix, 'node_modules', '.bin', cli.binary);
  if (existsSync(executable)) return executable;
  mkdirSync(prefix, { recursive: true });
  const args = ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', `${cli.packageName}@${cli.version}`];
  const { code, output } = await runNpm(args);
  if (code !== 0 || !existsSync(executable)) {
    throw new Error(`npm ${args.join(' ')} failed (exit ${code}):\n${output.slice(-2000)}`);
  }
  return executable;
}

function runNpm(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, installTimeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
