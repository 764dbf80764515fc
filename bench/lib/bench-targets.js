// The processes of the gateway bench, each on its own port: the mock upstream (`direct`), the floor
// proxy and Switchyard (each with one worker, and with two for the workers scenario), the Portkey
// gateway, and for `first-token-paths.js` the floor proxy holding a stream's head until its first
// content (`floor-held`); and the request each of them gets for a case.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { anthropicRequestBody, openAIRequestBody } from './bench-scenarios.js';
import { startBenchChild, stopChild } from './child-processes.js';
import { gatewayEnvironment, provisionBenchAccount, runGatewayCommand, startGateway, writeBenchConfig } from './gateway-setup.js';

const UPSTREAM_KEY = 'bench-key';

/**
 * @typedef {object} BenchTarget
 * @property {string} name
 * @property {number} pid the process whose tree is measured
 * @property {string} origin
 * @property {() => boolean} alive
 * @property {() => string} logTail
 * @property {() => Promise<void>} stop
 * @property {string} [apiKey] Switchyard only
 * @property {NodeJS.ProcessEnv} [environment] Switchyard only, for its command line
 * @property {number} [workers] processes that serve requests (one where not given)
 */

/**
 * @param {{ benchDirectory: string, binPath: string, temporaryDirectory: string, needed: Set<string>, log: (line: string) => void }} options
 * @returns {Promise<Record<string, BenchTarget>>} always has `direct` (the mock)
 */
export async function startTargets({ benchDirectory, binPath, temporaryDirectory, needed, log }) {
  /** @type {Record<string, BenchTarget>} */
  const targets = {};
  const mock = await startBenchChild(path.join(benchDirectory, 'mock-upstream.js'), { name: 'mock upstream' });
  targets.direct = { ...fromBenchChild('direct', mock), query: mock.query };
  // Started side by side: most of a start is waiting for a child to listen.
  const starters = {
    floor: async () =>
      fromBenchChild('floor', await startBenchChild(path.join(benchDirectory, 'floor-proxy.js'), { name: 'floor proxy', env: { UPSTREAM_ORIGIN: mock.origin } })),
    'floor-held': async () =>
      fromBenchChild(
        'floor-held',
        await startBenchChild(path.join(benchDirectory, 'floor-proxy.js'), { name: 'floor proxy, head held', env: { UPSTREAM_ORIGIN: mock.origin, FLOOR_HOLD_HEAD: '1' } }),
      ),
    switchyard: () => startSwitchyard('switchyard', 1, { binPath, temporaryDirectory, mockOrigin: mock.origin, log }),
    portkey: async () =>
      fromBenchChild('portkey', await startBenchChild(path.join(benchDirectory, 'portkey-gateway.js'), { name: 'Portkey gateway', timeoutMs: 40_000 })),
    'switchyard-workers-2': () => startSwitchyard('switchyard-workers-2', 2, { binPath, temporaryDirectory, mockOrigin: mock.origin, log }),
    'floor-workers-2': async () => ({
      ...fromBenchChild(
        'floor-workers-2',
        await startBenchChild(path.join(benchDirectory, 'floor-proxy.js'), { name: 'floor proxy, 2 workers', env: { UPSTREAM_ORIGIN: mock.origin, FLOOR_WORKERS: '2' } }),
      ),
      workers: 2,
    }),
  };
  const names = Object.keys(starters).filter((name) => needed.has(name));
  const started = await Promise.all(names.map((name) => starters[name]()));
  names.forEach((name, index) => {
    targets[name] = started[index];
  });
  for (const target of Object.values(targets)) log(`${target.name} at ${target.origin} (pid ${target.pid})`);
  return targets;
}

/** A Switchyard instance of its own: data dir, config, account and key, `switchyard serve`. */
async function startSwitchyard(name, workers, { binPath, temporaryDirectory, mockOrigin, log }) {
  const directory = path.join(temporaryDirectory, name);
  mkdirSync(directory, { recursive: true });
  const configPath = writeBenchConfig(directory, mockOrigin);
  const environment = gatewayEnvironment(directory, configPath, { SWITCHYARD_WORKERS: String(workers) });
  log(`provisioning ${name} (migrate, user add, key create)`);
  const apiKey = await provisionBenchAccount(binPath, environment);
  const gateway = await startGateway(binPath, environment, directory);
  return {
    name,
    pid: gateway.pid,
    origin: gateway.origin,
    alive: () => gateway.child.exitCode === null && gateway.child.signalCode === null,
    logTail: gateway.logTail,
    stop: () => stopChild(gateway.child, 10_000),
    apiKey,
    environment,
    workers,
  };
}

function fromBenchChild(name, started) {
  return {
    name,
    pid: started.pid,
    origin: started.origin,
    alive: () => started.child.exitCode === null && started.child.signalCode === null,
    logTail: started.outputTail,
    stop: started.stop,
  };
}

/** `switchyard ledger verify` on a stopped instance: "ok" or the reason it failed. */
export async function verifyLedger(binPath, target) {
  try {
    await runGatewayCommand(binPath, ['ledger', 'verify'], target.environment);
    return 'ok';
  } catch (error) {
    return `failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const bodies = new Map();
function cachedBody(kind, benchCase) {
  const key = `${kind}\u0000${benchCase.id}`;
  if (!bodies.has(key)) bodies.set(key, kind === 'anthropic' ? anthropicRequestBody(benchCase) : openAIRequestBody(benchCase));
  return bodies.get(key);
}

/**
 * What a target is sent for a case. Every proxy gets the same OpenAI Chat Completions body; the
 * baseline of a translated case asks the mock for the Anthropic stream itself.
 * @param {BenchTarget} target
 * @param {import('./bench-scenarios.js').BenchCase} benchCase
 * @param {string} mockOrigin
 * @returns {{ origin: string, request: import('./load-loop.js').LoadRequest }}
 */
export function requestFor(target, benchCase, mockOrigin) {
  const recordGaps = benchCase.paceMs !== undefined;
  if (target.name === 'direct' && benchCase.upstream === 'anthropic') {
    return {
      origin: target.origin,
      request: {
        path: '/v1/messages',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': UPSTREAM_KEY },
        body: cachedBody('anthropic', benchCase),
        stream: benchCase.stream,
        endMarker: 'message_stop',
        recordGaps,
      },
    };
  }
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/json' };
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
  if (target.name === 'portkey') {
    headers['x-portkey-provider'] = benchCase.upstream === 'anthropic' ? 'anthropic' : 'openai';
    headers['x-portkey-custom-host'] = `${mockOrigin}/v1`;
    headers.authorization = `Bearer ${UPSTREAM_KEY}`;
  }
  return {
    origin: target.origin,
    request: { path: '/v1/chat/completions', headers, body: cachedBody('openai', benchCase), stream: benchCase.stream, recordGaps },
  };
}
