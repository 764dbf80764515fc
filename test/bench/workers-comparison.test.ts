import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { benchModuleUrl, repositoryRoot } from './bench-module.js';

// The workers scenario measures the floor proxy with one node:cluster worker and with two beside
// Switchyard's pair, so that a run tells what a second worker costs any Node proxy on its machine.

interface WorkerPair {
  cpuRatio: number;
  roundRatios: number[];
  oneWorker: { cpuMicrosecondsPerRequest: number; processCount: number };
  twoWorkers: { cpuMicrosecondsPerRequest: number; processCount: number };
}

interface WorkersSummary extends WorkerPair {
  concurrency: number;
  floor: WorkerPair | null;
}

type Summarize = (runs: object[], cases: object[]) => { workers: WorkersSummary | null };

const workersCase = { id: 'workers', scenario: 'workers', concurrencies: [64], targets: [] };

function run(target: string, round: number, cpuMicrosecondsPerRequest: number, processCount: number) {
  return { caseId: 'workers', scenario: 'workers', concurrency: 64, target, round, cpuMicrosecondsPerRequest, requestsPerSecond: 1000, processCount };
}

async function summarize(runs: object[]): Promise<WorkersSummary | null> {
  const { summarizeBench } = (await import(benchModuleUrl('lib', 'bench-summary.js'))) as { summarizeBench: Summarize };
  return summarizeBench(runs, [workersCase]).workers;
}

describe('the workers comparison', () => {
  it('pairs each target with its two-worker run of the same round, for Switchyard and the floor proxy apart', async () => {
    const workers = await summarize([
      run('switchyard', 0, 100, 1),
      run('switchyard-workers-2', 0, 120, 3),
      run('floor', 0, 50, 1),
      run('floor-workers-2', 0, 55, 3),
      run('switchyard', 1, 200, 1),
      run('switchyard-workers-2', 1, 210, 3),
      run('floor', 1, 80, 1),
      run('floor-workers-2', 1, 96, 3),
    ]);
    expect(workers?.roundRatios).toEqual([1.2, 1.05]);
    expect(workers?.cpuRatio).toBeCloseTo(1.125, 10);
    expect(workers?.twoWorkers.processCount).toBe(3);
    expect(workers?.floor?.roundRatios).toEqual([1.1, 1.2]);
    expect(workers?.floor?.cpuRatio).toBeCloseTo(1.15, 10);
    expect(workers?.floor?.oneWorker.cpuMicrosecondsPerRequest).toBe(65);
  });

  it('leaves the floor out when the run did not measure its pair', async () => {
    const workers = await summarize([run('switchyard', 0, 100, 1), run('switchyard-workers-2', 0, 104, 3), run('floor', 0, 50, 1)]);
    expect(workers?.cpuRatio).toBeCloseTo(1.04, 10);
    expect(workers?.floor).toBeNull();
  });
});

describe('the floor proxy with FLOOR_WORKERS=2', () => {
  let proxy: ChildProcess | undefined;
  let upstream: http.Server | undefined;
  afterEach(async () => {
    proxy?.kill('SIGTERM');
    await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
  });

  it('runs two worker processes under one primary, answering on one port', { timeout: 30_000 }, async () => {
    upstream = http.createServer((incoming, outgoing) => {
      incoming.resume();
      incoming.on('end', () => {
        outgoing.writeHead(200, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ id: 'chatcmpl-floor', object: 'chat.completion', choices: [] }));
      });
    });
    await new Promise<void>((resolve) => upstream?.listen(0, '127.0.0.1', resolve));
    const upstreamPort = (upstream.address() as AddressInfo).port;
    const started = spawn(process.execPath, [path.join(repositoryRoot, 'bench', 'floor-proxy.js')], {
      env: { ...process.env, UPSTREAM_ORIGIN: `http://127.0.0.1:${upstreamPort}`, FLOOR_WORKERS: '2' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    proxy = started;
    const port = await new Promise<number>((resolve, reject) => {
      started.once('exit', (code) => reject(new Error(`the floor proxy exited with ${code}`)));
      started.on('message', (message: { type?: string; port?: number }) => {
        if (message.type === 'ready' && typeof message.port === 'number') resolve(message.port);
      });
    });

    const { processTreePids } = (await import(benchModuleUrl('lib', 'process-cpu.js'))) as { processTreePids: (pid: number) => number[] };
    expect(processTreePids(started.pid as number)).toHaveLength(3);
    // Each request on a connection of its own, so that both workers take some.
    const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'hello' }] });
    const answers = await Promise.all(Array.from({ length: 8 }, () => postOnNewConnection(port, body)));
    for (const answer of answers) expect(answer).toEqual({ status: 200, body: { id: 'chatcmpl-floor', object: 'chat.completion', choices: [] } });
  });
});

function postOnNewConnection(port: number, body: string): Promise<{ status: number | undefined; body: unknown }> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      { host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}
