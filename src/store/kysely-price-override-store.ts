import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, PriceOverridesTable } from './database-schema.js';
import type { PriceOverrideAmounts, PriceOverrideRecord, PriceOverrideStore } from './price-override-store.js';
import { toNumber } from './column-values.js';

/** Table column of each price kind. */
const COLUMNS = {
  input: 'input',
  output: 'output',
  cachedInput: 'cached_input',
  cacheWrite: 'cache_write',
  reasoning: 'reasoning',
  image: 'image',
  request: 'request',
} as const satisfies Record<keyof PriceOverrideAmounts, keyof PriceOverridesTable>;

const KINDS = Object.keys(COLUMNS) as Array<keyof PriceOverrideAmounts>;

export class KyselyPriceOverrideStore implements PriceOverrideStore {
  constructor(private readonly db: Kysely<Database>) {}

  async listPriceOverrides(modelId?: string): Promise<PriceOverrideRecord[]> {
    let query = this.db.selectFrom('price_overrides').selectAll();
    if (modelId !== undefined) query = query.where('model_id', '=', modelId);
    const rows = await query.orderBy('model_id').orderBy('provider').execute();
    return rows.map(overrideFromRow);
  }

  async putPriceOverride(record: PriceOverrideRecord): Promise<PriceOverrideRecord> {
    const row = overrideToRow(record);
    const { model_id: _modelId, provider: _provider, ...changes } = row;
    const stored = await this.db
      .insertInto('price_overrides')
      .values(row)
      .onConflict((conflict) => conflict.columns(['model_id', 'provider']).doUpdateSet(changes))
      .returningAll()
      .executeTakeFirstOrThrow();
    return overrideFromRow(stored);
  }

  async deletePriceOverride(modelId: string, provider: string | null): Promise<boolean> {
    const deleted = await this.db
      .deleteFrom('price_overrides')
      .where('model_id', '=', modelId)
      .where('provider', '=', provider ?? '')
      .returning('model_id')
      .executeTakeFirst();
    return deleted !== undefined;
  }
}

function overrideToRow(record: PriceOverrideRecord): Insertable<PriceOverridesTable> & { updated_at: number } {
  const row: Insertable<PriceOverridesTable> & { updated_at: number } = {
    model_id: record.modelId,
    provider: record.provider ?? '',
    updated_at: record.updatedAt,
  };
  for (const kind of KINDS) row[COLUMNS[kind]] = record.pricing[kind] ?? null;
  return row;
}

function overrideFromRow(row: Selectable<PriceOverridesTable>): PriceOverrideRecord {
  const pricing: PriceOverrideAmounts = {};
  for (const kind of KINDS) {
    const value = row[COLUMNS[kind]];
    if (value !== null) pricing[kind] = value;
  }
  return {
    modelId: row.model_id,
    provider: row.provider === '' ? null : row.provider,
    pricing,
    updatedAt: toNumber(row.updated_at),
  };
}
