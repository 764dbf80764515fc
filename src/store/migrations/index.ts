/**
 * Every migration, in order. Listed statically (not read from a folder) so the same list works
 * from the sources and from the compiled `dist/`. Names sort in the order they must run.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.js';
import * as sessions from './0002-sessions.js';
import * as keyGovernance from './0003-key-governance.js';
import * as holdsAndBudgets from './0004-holds-and-budgets.js';
import * as creditAndGroups from './0005-credit-and-groups.js';
import * as ascendingTimeIndexes from './0006-ascending-time-indexes.js';
import * as attemptLogColumn from './0007-attempt-log-column.js';

export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-sessions': sessions,
  '0003-key-governance': keyGovernance,
  '0004-holds-and-budgets': holdsAndBudgets,
  '0005-credit-and-groups': creditAndGroups,
  '0006-ascending-time-indexes': ascendingTimeIndexes,
  '0007-attempt-log-column': attemptLogColumn,
};

export const staticMigrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
