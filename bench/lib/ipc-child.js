// Starts a bench child that reports `{type: 'ready', ...}` over IPC and answers requests
// `{type, id, ...}` with a message of the same type and id. Unlike startBenchChild, the whole ready
// message is returned and any request can be sent. The child is tracked, so it is killed on every
// way out of the bench.
import { spawn } from 'node:child_process';
import { stopChild, trackChild } from './child-processes.js';

/**
 * @param {string} scriptPath
 * @param {{ name: string, env?: Record<string, string>, timeoutMs?: number }} options
 */
export async function startIpcChild(scriptPath, options) {
  const child = spawn(process.execPath, [scriptPath], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const { outputTail } = trackChild(child);
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('did not report ready in time')), options.timeoutMs ?? 15_000);
    const onExit = (code, signal) => fail(new Error(`exited early (code ${code}, signal ${signal})`));
    const fail = (error) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.kill('SIGKILL');
      reject(new Error(`${options.name}: ${error.message}\n${outputTail()}`));
    };
    child.once('exit', onExit);
    const onMessage = (message) => {
      if (message?.type !== 'ready') return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
  });

  let nextId = 0;
  return {
    name: options.name,
    pid: /** @type {number} */ (child.pid),
    child,
    ready,
    outputTail,
    /**
     * Sends `{type, id, ...fields}` and resolves with the child's answer of the same type and id.
     * @param {string} type
     * @param {Record<string, unknown>} [fields]
     */
    request(type, fields = {}, timeoutMs = 5_000) {
      const id = (nextId += 1);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.off('message', onMessage);
          reject(new Error(`${options.name}: no answer to ${type}`));
        }, timeoutMs);
        const onMessage = (message) => {
          if (message?.type === type && message.id === id) {
            clearTimeout(timer);
            child.off('message', onMessage);
            resolve(message);
          }
        };
        child.on('message', onMessage);
        child.send({ ...fields, type, id });
      });
    },
    stop: () => stopChild(child),
  };
}
