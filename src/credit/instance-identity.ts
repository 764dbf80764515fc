/**
 * Names this gateway process, for the holds it takes. A new id each start: the holds of a
 * previous run are then plainly not this run's. The id of the previous run that used the same
 * data directory is read back, so its leftover holds can be released at once at start.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface InstanceIdentity {
  id: string;
  /** The id of the last process that ran with this data directory, if any. */
  previousId: string | null;
}

const FILE_NAME = 'instance-id';

export function claimInstanceIdentity(dataDir: string, now: number = Date.now()): InstanceIdentity {
  const file = path.join(dataDir, FILE_NAME);
  let previousId: string | null = null;
  try {
    const text = readFileSync(file, 'utf8').trim();
    if (text.length > 0) previousId = text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const id = `inst-${now.toString(36)}-${randomBytes(6).toString('hex')}`;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${id}\n`);
  return { id, previousId };
}
