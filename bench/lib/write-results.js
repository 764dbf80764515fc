// Writes a results file atomically (temp file, then rename), so a killed run leaves no half file.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * @param {string} filePath
 * @param {unknown} value
 */
export function writeResultsFile(filePath, value) {
  writeTextFile(filePath, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * @param {string} filePath
 * @param {string} text
 */
export function writeTextFile(filePath, text) {
  mkdirSync(path.dirname(filePath), { recursive: true });
  const temporaryPath = `${filePath}.${process.pid}.tmp`;
  writeFileSync(temporaryPath, text);
  renameSync(temporaryPath, filePath);
}
