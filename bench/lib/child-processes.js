// Parent side of the bench process protocol. Every child is tracked so that it is killed on
// every way out of the bench: normal end, failure, Ctrl-C, the time budget running out.
import { spawn } from 'node:child_process';

/** @type {Set<import('node:child_process').ChildProcess>} */
const liveChildren = new Set();
let cleanupInstalled = false;

/**
 * Registers a spawned child for cleanup and keeps the tail of its output for error messages.
 * @param {import('node:child_process').ChildProcess} child
 * @returns {{ outputTail: () => string }}
 */
export function trackChild(child) {
  installCleanup();
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  let tail = '';
  const keep = (chunk) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { outputTail: () => tail };
}

/**
 * Starts a bench child script that reports `{type: 'ready', port}` over IPC.
 * @param {string} scriptPath
 * @param {{ name: string, env?: Record<string, string>, timeoutMs?: number, nodeArguments?: string[] }} options
 */
export async function startBenchChild(scriptPath, options) {
  const child = spawn(process.execPath, [...(options.nodeArguments ?? []), scriptPath], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const { outputTail } = trackChild(child);
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('did not report ready in time')), options.timeoutMs ?? 15_000);
    const fail = (error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${options.name}: ${error.message}\n${outputTail()}`));
    };
    child.once('exit', (code, signal) => fail(new Error(`exited early (code ${code}, signal ${signal})`)));
    child.on('message', (message) => {
      if (message && message.type === 'ready') {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.once('exit', () => liveChildren.delete(child));
        resolve(message.port);
      }
    });
  });

  let nextQueryId = 0;
  /** Sends `{type, id, ...fields}` over IPC and resolves with the child's answer of the same type and id. */
  const query = (type, fields = {}) => {
    const id = (nextQueryId += 1);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error(`${options.name}: no ${type} answer`));
      }, 5_000);
      const onMessage = (message) => {
        if (message && message.type === type && message.id === id) {
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(message);
        }
      };
      child.on('message', onMessage);
      child.send({ ...fields, type, id });
    });
  };
  return {
    name: options.name,
    pid: child.pid,
    port,
    origin: `http://127.0.0.1:${port}`,
    child,
    outputTail,
    query,
    /** CPU time of the child as measured by itself (`process.cpuUsage()`), in microseconds. */
    async cpuUsage() {
      return (await query('cpu-usage')).usage;
    },
    stop: () => stopChild(child),
  };
}

/** SIGTERM, then SIGKILL if the child is still there after `graceMs`. */
export function stopChild(child, graceMs = 2_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function stopAllChildren() {
  await Promise.all([...liveChildren].map((child) => stopChild(child)));
}

function killAllNow() {
  for (const child of liveChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

function installCleanup() {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.once('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping children\n`);
      killAllNow();
      process.exit(130);
    });
  }
}
