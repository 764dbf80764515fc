#!/usr/bin/env node
import { existsSync } from 'node:fs';
import v8 from 'node:v8';

// Before any of the gateway's code runs: V8's allocation-site pretenuring guessed wrong under load
// in 12 of 31 starts measured, and those processes cost about a quarter more CPU per request
// (docs/decisions/0012-no-allocation-site-pretenuring.md).
if (process.env.SWITCHYARD_V8_PRETENURING !== 'on') v8.setFlagsFromString('--no-allocation-site-pretenuring');

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('switchyard: not built yet; run `npm run build` first\n');
  process.exit(1);
}
await import(entry.href);
