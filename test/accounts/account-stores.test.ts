import { afterAll, describe } from 'vitest';
import { postgresStores, sqliteStores, type TestStoreFactory } from './account-test-stores.js';
import { runAccountStoresContract } from './account-stores-contract.js';

const sqlite = sqliteStores();
// Probes once: null (with a warning) skips outside CI, and CI=true throws instead.
const postgres = await postgresStores();
afterAll(async () => {
  await sqlite.cleanUp();
  await postgres?.cleanUp();
});

function run(stores: TestStoreFactory): void {
  runAccountStoresContract(stores.name, async () => {
    const store = await stores.open();
    return { store, dispose: () => store.close() };
  });
}

run(sqlite);
describe.skipIf(postgres === null)('PostgreSQL', () => {
  run(postgres!);
});
