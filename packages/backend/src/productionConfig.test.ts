import { resolve } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { loadConfig } from '@backstage/config-loader';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { mockServices } from '@backstage/backend-test-utils';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');

function postgresUrl(): URL {
  const name = Object.keys(process.env).find(k =>
    /^BACKSTAGE_TEST_DATABASE_POSTGRES\d+_CONNECTION_STRING$/.test(k),
  );
  if (!name) {
    throw new Error(
      'No PostgreSQL for this test: run it through `bash scripts/test.sh`, which starts one, ' +
        'or set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=postgresql://user@host:port',
    );
  }
  return new URL(process.env[name]!);
}

describe('app-config.production.yaml', () => {
  it('connects the backend to PostgreSQL and gives each plugin its own database', async () => {
    const url = postgresUrl();
    process.env.POSTGRES_HOST = url.hostname;
    process.env.POSTGRES_PORT = url.port;
    process.env.POSTGRES_USER = decodeURIComponent(url.username);
    process.env.POSTGRES_PASSWORD = decodeURIComponent(url.password);
    process.env.APP_BASE_URL = 'http://localhost:7007';

    const { appConfigs } = await loadConfig({
      configRoot: REPO_ROOT,
      configTargets: [
        { path: resolve(REPO_ROOT, 'app-config.yaml') },
        { path: resolve(REPO_ROOT, 'app-config.production.yaml') },
      ],
    });
    const config = ConfigReader.fromConfigs(appConfigs);
    expect(config.getString('backend.database.client')).toBe('pg');

    const lifecycle = mockServices.lifecycle.mock();
    const database = DatabaseManager.fromConfig(config).forPlugin('kamaji', {
      logger: mockServices.logger.mock(),
      lifecycle,
    });
    const knex = await database.getClient();
    try {
      const { rows } = await knex.raw('select current_database() as db');
      expect(rows[0].db).toBe('backstage_plugin_kamaji');
    } finally {
      await knex.destroy();
    }
  }, 60_000);
});
