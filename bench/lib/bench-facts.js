// The machine and the versions a gateway bench ran on: without them its numbers mean nothing.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { machineFacts } from './machine-facts.js';

const PORTKEY_HONO_SERVER = '@portkey-ai/gateway/node_modules/@hono/node-server';

/** @param {string} repositoryRoot */
export function benchMachineFacts(repositoryRoot) {
  const facts = machineFacts(repositoryRoot, ['fastify', 'undici', 'better-sqlite3', '@portkey-ai/gateway', PORTKEY_HONO_SERVER]);
  // Portkey's own copy of its server adapter (pinned through `overrides`), under a readable name.
  facts.packages['@hono/node-server (Portkey)'] = facts.packages[PORTKEY_HONO_SERVER];
  delete facts.packages[PORTKEY_HONO_SERVER];
  const manifest = JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8'));
  facts.switchyard = { version: manifest.version, commit: gitCommit(repositoryRoot) };
  return facts;
}

/** Short commit id, with "+changes" when the working tree differs from it; "unknown" outside git. */
function gitCommit(repositoryRoot) {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repositoryRoot, encoding: 'utf8' }).trim();
    const changes = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src'], { cwd: repositoryRoot, encoding: 'utf8' }).trim();
    return changes ? `${commit}+changes` : commit;
  } catch {
    return 'unknown';
  }
}
