/*
 * The audit trail of day-2 actions (upgrade, scale, delete): who asked for what on which
 * cluster, when, and how it ended. Works on SQLite and PostgreSQL.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kamaji_audit_events', table => {
    table.comment(
      'Day-2 actions on fleet clusters requested through Backstage',
    );
    table.bigIncrements('id').primary().comment('Ascending event id');
    table
      .timestamp('occurred_at', { useTz: true, precision: 3 })
      .notNullable()
      .comment('When the request was received');
    table
      .string('actor', 255)
      .notNullable()
      .comment('User entity ref, or the subject of a service principal');
    table.string('actor_type', 16).notNullable().comment('user or service');
    table
      .string('action', 32)
      .notNullable()
      .comment('upgrade, scale or delete');
    table.string('target', 512).notNullable().comment('Cluster id');
    table.text('request').nullable().comment('The validated request, JSON');
    table
      .string('result', 16)
      .notNullable()
      .comment('success, failure or denied');
    table.integer('status').notNullable().comment('HTTP status of the answer');
    table.text('message').nullable().comment('Outcome, credential-free');
    table.text('details').nullable().comment('What changed (from/to), JSON');
    table.integer('duration_ms').nullable();
    table.index(['occurred_at'], 'kamaji_audit_events_occurred_at_idx');
    table.index(['target'], 'kamaji_audit_events_target_idx');
    table.index(['actor'], 'kamaji_audit_events_actor_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kamaji_audit_events');
};
