/** Runs one of `bench/`'s scripts in a child process and collects its exit code and output. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function runBenchScript(script: string, argumentsList: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join('bench', script), ...argumentsList], { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      // The tail is what explains a failure; a long run's progress lines are not kept whole.
      stderr = (stderr + chunk.toString('utf8')).slice(-8000);
    });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
