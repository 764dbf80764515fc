// The delay proxy as a bench child process, so its timers do not share an event loop with the load
// generator. Env: PROXY_TARGET_HOST (default 127.0.0.1), PROXY_TARGET_PORT (default 5432).
// IPC: reports `{type: 'ready', port}`; answers `{type: 'set', id, delayMs?, stalled?}` and
// `{type: 'stats', id}` with the proxy's stats under the same type and id.
import { createDelayProxy } from './slow-store-delay-proxy.js';

const proxy = createDelayProxy({
  targetHost: process.env.PROXY_TARGET_HOST ?? '127.0.0.1',
  targetPort: Number(process.env.PROXY_TARGET_PORT ?? 5432),
});

proxy.server.listen(0, '127.0.0.1', () => {
  const address = proxy.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  if (typeof process.send !== 'function') {
    process.stdout.write(`delay proxy on 127.0.0.1:${port}\n`);
    return;
  }
  process.on('message', (message) => {
    if (message?.type === 'set') {
      if (typeof message.delayMs === 'number') proxy.setDelay(message.delayMs);
      if (message.stalled === true) proxy.stall();
      if (message.stalled === false) proxy.resume();
    }
    if (message?.type === 'set' || message?.type === 'stats') {
      process.send?.({ type: message.type, id: message.id, stats: proxy.stats() });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', port });
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
