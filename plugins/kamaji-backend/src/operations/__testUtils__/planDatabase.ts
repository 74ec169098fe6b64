/* TEST HELPER. An in-memory SQLite database with the plugin's migrations, for plans and audit rows. */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import knexFactory, { Knex } from 'knex';

export async function openPlanDatabase(): Promise<Knex> {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  await knex.migrate.latest({
    directory: resolvePackagePath(
      '@kamaji-backstage/plugin-kamaji-backend',
      'migrations',
    ),
  });
  return knex;
}
