import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The URL of a bench script, for `import()`: the bench is plain JavaScript without type
 * declarations, so tests load it through a computed specifier and describe what they use.
 */
export function benchModuleUrl(...segments: string[]): string {
  return pathToFileURL(path.join(repositoryRoot, 'bench', ...segments)).href;
}
