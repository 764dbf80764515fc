// Reads a child process's retained heap through the inspector protocol: a full garbage collection
// forced by `HeapProfiler.collectGarbage`, then `Runtime.getHeapUsage`. The child runs with
// `--inspect=127.0.0.1:<port>` (bench children only; nothing in the gateway exposes this). A heap
// reading taken this way does not depend on when V8 chooses to collect, which under a large heap
// it may put off for the whole of a 20 s window.
import { WebSocket } from 'undici';

const CONNECT_TIMEOUT_MS = 10_000;
const CALL_TIMEOUT_MS = 30_000;

/** The node flag that opens the inspector on `port`, loopback only. */
export function inspectorFlag(port) {
  return `--inspect=127.0.0.1:${port}`;
}

/**
 * Connects to the inspector of the process listening on `port`.
 * @param {number} port
 * @returns {Promise<{ retainedHeapBytes: () => Promise<number>, close: () => void }>}
 */
export async function connectHeapProbe(port) {
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  let target;
  while (!target) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(1_000) });
      [target] = await response.json();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`no inspector answered on port ${port}: ${error instanceof Error ? error.message : error}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', () => reject(new Error(`cannot open ${target.webSocketDebuggerUrl}`)), { once: true });
  });
  let nextId = 1;
  /** @type {Map<number, { resolve: (value: any) => void, reject: (error: Error) => void, timer: NodeJS.Timeout }>} */
  const pending = new Map();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data));
    const call = pending.get(message.id);
    if (!call) return;
    pending.delete(message.id);
    clearTimeout(call.timer);
    if (message.error) call.reject(new Error(`inspector: ${message.error.message}`));
    else call.resolve(message.result);
  });
  socket.addEventListener('close', () => {
    for (const call of pending.values()) call.reject(new Error('inspector connection closed'));
    pending.clear();
  });
  const call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`inspector: ${method} took over ${CALL_TIMEOUT_MS / 1000} s`));
      }, CALL_TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ id, method, params }));
    });
  return {
    async retainedHeapBytes() {
      await call('HeapProfiler.collectGarbage');
      const usage = await call('Runtime.getHeapUsage');
      return usage.usedSize;
    },
    close: () => socket.close(),
  };
}
