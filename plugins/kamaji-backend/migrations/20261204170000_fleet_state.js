/*
 * Durable fleet state: what the backend last saw from every management cluster and island (so a
 * restart while an uplink is down still shows the last-known state), and the uplink history
 * (every connection transition, once). Works on SQLite and PostgreSQL. Credentials are never
 * stored: kubeconfig Secrets are not among the kept kinds.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kamaji_fleet_sources', table => {
    table.comment('Connection state of each watched cluster when last saved');
    table
      .string('source', 512)
      .primary()
      .comment('Cluster id: the management cluster name, or the island id');
    table
      .string('status', 16)
      .notNullable()
      .comment('connected, degraded or disconnected');
    table
      .timestamp('since', { useTz: true, precision: 3 })
      .notNullable()
      .comment('Since when the status holds');
    table
      .timestamp('last_seen_at', { useTz: true, precision: 3 })
      .notNullable()
      .comment('When the cluster last answered (refreshed while connected)');
    table.timestamp('last_sync_at', { useTz: true, precision: 3 }).nullable();
    table.text('last_error').nullable().comment('Credential-free reason');
    table
      .text('kinds')
      .notNullable()
      .comment(
        'JSON list of the kinds that were listed (an empty kind has no object rows)',
      );
  });
  await knex.schema.createTable('kamaji_fleet_objects', table => {
    table.comment('The slim objects last seen on each watched cluster');
    table.string('source', 512).notNullable();
    table
      .string('kind', 64)
      .notNullable()
      .comment('Kind name the model reads it by');
    table.string('object_key', 512).notNullable().comment('namespace/name');
    table.text('data').notNullable().comment('The slim object, JSON');
    table
      .timestamp('seen_at', { useTz: true, precision: 3 })
      .notNullable()
      .comment('When this version was seen');
    table.primary(['source', 'kind', 'object_key']);
  });
  await knex.schema.createTable('kamaji_uplink_transitions', table => {
    table.comment(
      'Connection transitions of every island and management cluster',
    );
    table.bigIncrements('id').primary();
    table.string('cluster_id', 512).notNullable();
    table
      .timestamp('at', { useTz: true, precision: 3 })
      .notNullable()
      .comment('When the new status began');
    table
      .string('status', 16)
      .notNullable()
      .comment('connected, degraded or disconnected');
    table.text('reason').nullable().comment('Credential-free reason');
    table.unique(['cluster_id', 'at', 'status'], {
      indexName: 'kamaji_uplink_transitions_once_idx',
    });
    table.index(['at'], 'kamaji_uplink_transitions_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kamaji_uplink_transitions');
  await knex.schema.dropTable('kamaji_fleet_objects');
  await knex.schema.dropTable('kamaji_fleet_sources');
};
