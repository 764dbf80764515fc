import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { BootstrappedAdmin } from '../app/bootstrap-admin.js';
import { createLogger } from '../app/create-logger.js';
import { WORKER_INDEX_VARIABLE } from '../cluster/worker-protocol.js';
import { readServerSettings, type ServerSettings } from '../config/index.js';
import { journalDirectory } from '../metering/settlement-journal.js';

/**
 * `switchyard serve`: starts the gateway and says on stdout where it is and how to log in. With
 * `SWITCHYARD_WORKERS` = N > 1 this process becomes the primary of N worker processes sharing
 * the port (`src/cluster`); with 1 (the default) it is the gateway itself, as always.
 */
export async function runServe(): Promise<void> {
  if (process.env[WORKER_INDEX_VARIABLE]) {
    const { runWorker } = await import('../cluster/run-worker.js');
    await runWorker();
    return;
  }
  const settings = readServerSettings(process.env);
  if (settings.workers > 1) {
    await serveWithWorkers(settings);
    return;
  }
  if (hasWorkerJournals(settings)) {
    const { storeWorkerLeftovers } = await import('../cluster/primary-startup.js');
    await storeWorkerLeftovers(settings, process.cwd(), createLogger());
  }
  // Loaded here, not at the top: a primary of several workers does not need the gateway itself.
  const { startGateway } = await import('../app/start-gateway.js');
  const gateway = await startGateway({ handleSignals: true });
  printStartup(gateway.url, gateway.admin);
}

async function serveWithWorkers(settings: ServerSettings): Promise<void> {
  const { startPrimary, WorkerStartError } = await import('../cluster/run-primary.js');
  try {
    const primary = await startPrimary(settings, process.cwd(), createLogger());
    printStartup(primary.url, primary.admin);
  } catch (error) {
    // The worker has given its reason on stderr already.
    if (!(error instanceof WorkerStartError)) throw error;
    process.exitCode = error.exitCode;
  }
}

/** Whether an earlier run with several workers left their journal folders (stored before one process starts). */
function hasWorkerJournals(settings: ServerSettings): boolean {
  const journal = journalDirectory(path.resolve(process.cwd(), settings.dataDir));
  return existsSync(journal) && readdirSync(journal).some((name) => name.startsWith('worker-'));
}

function printStartup(url: string, admin: BootstrappedAdmin | null): void {
  const lines = [`Switchyard listening on ${url}`];
  if (admin) {
    lines.push(`Admin account created: ${admin.email}`);
    if (admin.generatedPassword) {
      lines.push(`Admin password (shown once): ${admin.generatedPassword}`);
    }
    lines.push(`Log in: POST ${url}/api/auth/login with {"email","password"} (a session cookie), then manage keys at /api/keys`);
    lines.push(`Or create an API key from the shell: npx switchyard key create --email ${admin.email}`);
  }
  lines.push(`Try it: curl ${url}/v1/chat/completions -H "Authorization: Bearer $KEY" -d '{"model":"demo/echo","messages":[{"role":"user","content":"Hello"}]}'`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
