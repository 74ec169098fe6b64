/* TEST HELPER. The databases a store test runs on, with the plugin's migrations. */
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuditStore } from '../AuditStore';

/**
 * SQLite always; PostgreSQL when a server is given (`source scripts/postgres.sh` sets
 * KB_TEST_POSTGRES_ID and BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING).
 */
export function pluginTestDatabases(): TestDatabases {
  const ids: TestDatabaseId[] = ['SQLITE_3'];
  if (process.env.KB_TEST_POSTGRES_ID) {
    ids.push(process.env.KB_TEST_POSTGRES_ID as TestDatabaseId);
  }
  return TestDatabases.create({ ids, disableDocker: true });
}

/** A fresh database with the plugin's migrations run (they run with the audit trail's). */
export async function migratedDatabase(
  databases: TestDatabases,
  id: TestDatabaseId,
) {
  const knex = await databases.init(id);
  await AuditStore.create(mockServices.database({ knex }));
  return knex;
}
