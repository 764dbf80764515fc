/**
 * Every migration, in order. Listed statically (not read from a folder) so the same list works
 * from the sources and from the compiled `dist/`. Names sort in the order they must run.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.js';

export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
};

export const staticMigrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
