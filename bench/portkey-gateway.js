// Runs the Portkey gateway (`@portkey-ai/gateway`, a dev dependency) in this very process, so the
// bench's CPU and memory accounting of this process is Portkey's own. Its Node server entry (the
// package's `bin`, build/start-server.js) is loaded with `--port=N --headless` on a free port; the
// port is reported over IPC once it accepts connections, like every bench child.
// By hand: `node bench/portkey-gateway.js --port 8787`.
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { announcePort, requestedPort } from './lib/child-ready.js';
import { findFreePort } from './lib/gateway-setup.js';

const repositoryRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const packageDirectory = path.join(repositoryRoot, 'node_modules', '@portkey-ai', 'gateway');
const READY_TIMEOUT_MS = 20_000;

/** The package's Node server entry, from its manifest. */
export function portkeyServerEntry() {
  const manifestPath = path.join(packageDirectory, 'package.json');
  if (!existsSync(manifestPath)) {
    throw new Error('@portkey-ai/gateway is not installed (it is a dev dependency: run `npm install`)');
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin ?? {})[0];
  if (typeof bin !== 'string') throw new Error('@portkey-ai/gateway: no bin entry in its package.json');
  return { entry: path.join(packageDirectory, bin), version: String(manifest.version) };
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function main() {
  const port = requestedPort() || (await findFreePort());
  const { entry } = portkeyServerEntry();
  process.env.NODE_ENV ??= 'production';
  // The server reads its options from process.argv when it is loaded.
  process.argv = [process.argv[0], entry, `--port=${port}`, '--headless'];
  await import(pathToFileURL(entry).href);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await accepts(port))) {
    if (Date.now() > deadline) throw new Error(`the Portkey gateway did not listen on port ${port}`);
    await sleep(50);
  }
  announcePort(port);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`portkey-gateway: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
