import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Runs one agent CLI in isolation: fresh home, XDG and temporary folders (so it neither reads nor
 * writes the user's files), stdin closed (with an open stdin several CLIs wait forever), only the
 * environment given here (no inherited credentials or base URLs), and a hard timeout that kills
 * the whole process group (wrappers spawn native binaries).
 */
export interface AgentSandbox {
  root: string;
  home: string;
  configHome: string;
  dataHome: string;
  cacheHome: string;
  stateHome: string;
  temporary: string;
  workspace: string;
  /** The base environment: the folders above and a PATH that finds `node`. */
  environment: Record<string, string>;
  remove(): void;
}

export function createAgentSandbox(): AgentSandbox {
  const root = mkdtempSync(path.join(tmpdir(), 'switchyard-agent-'));
  const folder = (name: string) => {
    const full = path.join(root, name);
    mkdirSync(full, { recursive: true });
    return full;
  };
  const home = folder('home');
  const configHome = folder('config');
  const dataHome = folder('data');
  const cacheHome = folder('cache');
  const stateHome = folder('state');
  const temporary = folder('tmp');
  const workspace = folder('workspace');
  return {
    root,
    home,
    configHome,
    dataHome,
    cacheHome,
    stateHome,
    temporary,
    workspace,
    environment: {
      PATH: `${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
      HOME: home,
      XDG_CONFIG_HOME: configHome,
      XDG_DATA_HOME: dataHome,
      XDG_CACHE_HOME: cacheHome,
      XDG_STATE_HOME: stateHome,
      TMPDIR: temporary,
      LANG: 'C.UTF-8',
      TERM: 'dumb',
      NO_COLOR: '1',
      CI: '1',
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface AgentRunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export function runAgentCli(options: {
  executable: string;
  args: string[];
  cwd: string;
  environment: Record<string, string>;
  timeoutMs: number;
}): Promise<AgentRunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(options.executable, options.args, {
      cwd: options.cwd,
      env: options.environment,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      // Leftover children of the CLI (language servers, watchers) must not outlive the run.
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // The group is already gone.
        }
      }
      resolve({ exitCode, signal, timedOut, stdout, stderr, durationMs: Date.now() - started });
    });
  });
}

/** A compact account of a run for assertion messages. */
export function describeRun(result: AgentRunResult): string {
  const tail = (text: string) => (text.length > 3000 ? `…${text.slice(-3000)}` : text);
  return [
    `exit ${result.exitCode ?? 'none'}${result.signal ? ` (signal ${result.signal})` : ''}${result.timedOut ? ' after timing out' : ''} in ${result.durationMs} ms`,
    `stdout:\n${tail(result.stdout)}`,
    `stderr:\n${tail(result.stderr)}`,
  ].join('\n');
}
