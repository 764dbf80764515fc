import { readFileSync } from 'node:fs';

let version: string | null = null;

/** The version in package.json (two levels above this module, from `src/` and from `dist/`). */
export function packageVersion(): string {
  if (version === null) {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    version = manifest.version ?? '0.0.0';
  }
  return version;
}
