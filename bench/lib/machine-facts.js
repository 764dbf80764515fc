// The facts a bench number is meaningless without.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * @param {string} repositoryRoot
 * @param {string[]} packageNames packages whose installed versions to record
 */
export function machineFacts(repositoryRoot, packageNames) {
  const cpus = os.cpus();
  /** @type {Record<string, string>} */
  const packages = {};
  for (const name of packageNames) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(repositoryRoot, 'node_modules', name, 'package.json'), 'utf8'));
      packages[name] = manifest.version;
    } catch {
      packages[name] = 'not installed';
    }
  }
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    packages,
  };
}
