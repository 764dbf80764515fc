/**
 * Multi-row `INSERT ... ON CONFLICT DO NOTHING` for the settlement batches, with its SQL text built
 * once per shape and row count. Kysely's builder parses every row object and compiles the same
 * text again for every chunk, a large part of a busy settlement thread's time; here a chunk only
 * flattens its rows into the parameter list.
 */
import { CompiledQuery, type Kysely } from 'kysely';

/** How an engine writes placeholders: `?` (SQLite) or `$1..$n` (PostgreSQL). */
export type PlaceholderDialect = 'sqlite' | 'postgres';

/** `Returned`: the type of a returned row, as the driver gives it. */
export interface BatchInsertShape<Row, Returned = Record<never, never>> {
  readonly table: string;
  /** Properties of the row objects, in the order their values are bound. */
  readonly columns: readonly (keyof Row & string)[];
  /** The unique columns whose conflict skips the row; empty skips on any conflict. */
  readonly conflictColumns: readonly string[];
  /** Columns of the inserted rows to return; empty returns none. */
  readonly returning: readonly (keyof Returned & string)[];
}

export interface BatchInsertStatement {
  readonly sql: string;
  readonly rowCount: number;
}

/** Shapes times standard chunk lengths times engines stay far below this. */
const MAX_CACHED_STATEMENTS = 512;
const statements = new Map<string, BatchInsertStatement>();

/** The statement for `rowCount` rows of `shape`; the same object for the same arguments. */
export function batchInsertStatement<Row, Returned>(
  dialect: PlaceholderDialect,
  shape: BatchInsertShape<Row, Returned>,
  rowCount: number,
): BatchInsertStatement {
  const key = JSON.stringify([dialect, shape.table, shape.columns, rowCount, shape.conflictColumns, shape.returning]);
  let statement = statements.get(key);
  if (statement === undefined) {
    statement = Object.freeze({ sql: buildInsertText(dialect, shape, rowCount), rowCount });
    if (statements.size >= MAX_CACHED_STATEMENTS) statements.delete(statements.keys().next().value!);
    statements.set(key, statement);
  }
  return statement;
}

/**
 * Inserts `rows` in one statement and returns the `returning` columns of the rows actually
 * inserted: as the driver gives them, or, when every row was new, as the rows gave them.
 */
export async function executeBatchInsert<Row, Returned>(
  executor: Kysely<any>,
  dialect: PlaceholderDialect,
  shape: BatchInsertShape<Row, Returned>,
  rows: readonly Row[],
): Promise<Returned[]> {
  if (rows.length === 0) return [];
  const parameters = flattenRows(shape.columns, rows);
  if (dialect === 'sqlite' && shape.returning.length > 0 && executor.isTransaction) {
    const allNew = await insertCountingFirst(executor, dialect, shape, rows.length, parameters);
    if (allNew) return rows.map((row) => returnedColumns(shape, row));
  }
  const statement = batchInsertStatement(dialect, shape, rows.length);
  const result = await executor.executeQuery<Returned>(CompiledQuery.raw(statement.sql, parameters));
  return result.rows;
}

const SAVEPOINT = 'batch_insert';

/**
 * SQLite hands `RETURNING` rows back one by one through a buffer; on a settlement batch, where
 * nearly every row is new, that cost about 1.5 µs a generation row and as much a ledger entry on
 * the settlement thread. So the rows go in without it, and the count of inserted rows tells
 * whether all were new. When some were already stored (a replayed journal), the chunk is rolled
 * back to a savepoint and the caller inserts it again with `RETURNING`. Only inside a transaction,
 * whose connection nothing else uses meanwhile; PostgreSQL keeps `RETURNING`, where a savepoint
 * would cost two more round trips.
 * @returns true when every row was inserted (and kept)
 */
async function insertCountingFirst<Row, Returned>(
  executor: Kysely<any>,
  dialect: PlaceholderDialect,
  shape: BatchInsertShape<Row, Returned>,
  rowCount: number,
  parameters: unknown[],
): Promise<boolean> {
  const counted = batchInsertStatement(dialect, { ...shape, returning: [] }, rowCount);
  await executor.executeQuery(CompiledQuery.raw(`savepoint ${SAVEPOINT}`));
  const result = await executor.executeQuery(CompiledQuery.raw(counted.sql, parameters));
  const allNew = result.numAffectedRows === BigInt(rowCount);
  if (!allNew) await executor.executeQuery(CompiledQuery.raw(`rollback to ${SAVEPOINT}`));
  await executor.executeQuery(CompiledQuery.raw(`release ${SAVEPOINT}`));
  return allNew;
}

function returnedColumns<Row, Returned>(shape: BatchInsertShape<Row, Returned>, row: Row): Returned {
  const returned: Record<string, unknown> = {};
  for (const column of shape.returning) returned[column] = (row as Record<string, unknown>)[column] ?? null;
  return returned as Returned;
}

/** Values row by row in column order; a missing value binds as null, as the query builder did. */
export function flattenRows<Row>(columns: readonly (keyof Row & string)[], rows: readonly Row[]): unknown[] {
  const parameters = new Array<unknown>(rows.length * columns.length);
  let index = 0;
  for (const row of rows) {
    for (const column of columns) parameters[index++] = row[column] ?? null;
  }
  return parameters;
}

/**
 * Which placeholder style `db` compiles to, read from a query it compiles (nothing is run), so it
 * holds for any connection or pool the instance was built with.
 */
export function placeholderDialectOf(db: Kysely<any>): PlaceholderDialect {
  const { sql } = db.selectNoFrom((builder) => builder.val(0).as('probe')).compile();
  // The text built here quotes identifiers with double quotes, as both engines do.
  if (sql.includes('"probe"')) {
    if (sql.includes('$1')) return 'postgres';
    if (sql.includes('?')) return 'sqlite';
  }
  throw new Error(`unsupported SQL dialect: a probe query compiled to ${sql}`);
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function buildInsertText<Row, Returned>(dialect: PlaceholderDialect, shape: BatchInsertShape<Row, Returned>, rowCount: number): string {
  if (!Number.isSafeInteger(rowCount) || rowCount < 1) throw new RangeError(`an insert needs at least one row, got ${rowCount}`);
  if (shape.columns.length === 0) throw new RangeError(`an insert into ${shape.table} needs at least one column`);
  const columnCount = shape.columns.length;
  const tuples = new Array<string>(rowCount);
  for (let row = 0; row < rowCount; row++) {
    const placeholders = new Array<string>(columnCount);
    for (let column = 0; column < columnCount; column++) {
      placeholders[column] = dialect === 'postgres' ? `$${row * columnCount + column + 1}` : '?';
    }
    tuples[row] = `(${placeholders.join(', ')})`;
  }
  const conflictTarget = shape.conflictColumns.length > 0 ? ` (${shape.conflictColumns.map(quoteIdentifier).join(', ')})` : '';
  const returning = shape.returning.length > 0 ? ` returning ${shape.returning.map(quoteIdentifier).join(', ')}` : '';
  return (
    `insert into ${quoteIdentifier(shape.table)} (${shape.columns.map(quoteIdentifier).join(', ')}) ` +
    `values ${tuples.join(', ')} on conflict${conflictTarget} do nothing${returning}`
  );
}
