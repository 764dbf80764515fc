import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createBenchDirectory,
  gatewayEnvironment,
  provisionBenchAccount,
  removeBenchDirectory,
  startGateway,
  startScriptNodeFlags,
  writeBenchConfig,
  // @ts-expect-error the bench is plain JavaScript without declarations
} from '../../bench/lib/gateway-setup.js';

// The bench must measure the gateway as `npm start` runs it: with the Node flags of the start
// script (decision 0013), however a scenario adds its own.

const binPath = new URL('../../bin/switchyard.js', import.meta.url).pathname;

describe('the Node flags of npm start', () => {
  it('are read from the start script: a larger young generation for the gateway', () => {
    expect(startScriptNodeFlags()).toEqual(['--max-semi-space-size=64']);
  });

  it('reach the gateway process the bench starts, before a scenario flag', { timeout: 60_000 }, async () => {
    const directory = createBenchDirectory();
    try {
      const environment = gatewayEnvironment(directory, writeBenchConfig(directory, 'http://127.0.0.1:9'));
      await provisionBenchAccount(binPath, environment);
      const gateway = await startGateway(binPath, environment, directory, ['--stack-size=2000']);
      try {
        const commandLine = readFileSync(`/proc/${gateway.pid}/cmdline`, 'utf8').split('\0');
        const script = commandLine.indexOf(binPath);
        expect(commandLine.slice(1, script)).toEqual(['--max-semi-space-size=64', '--stack-size=2000']);
      } finally {
        gateway.child.kill('SIGTERM');
        await new Promise((resolve) => gateway.child.once('exit', resolve));
      }
    } finally {
      removeBenchDirectory(directory);
    }
  });
});
