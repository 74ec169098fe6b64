/*
 * Fleet upgrade plans and one step row per cluster: the runner (a scheduler global task) reads
 * and advances them, so a plan survives restarts and failovers. Works on SQLite and PostgreSQL.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kamaji_upgrade_plans', table => {
    table.comment('Fleet upgrade plans (waves of tenant upgrades)');
    table.string('id', 64).primary();
    table
      .string('status', 16)
      .notNullable()
      .comment('draft, running, paused, halted, aborted or succeeded');
    table
      .string('version', 64)
      .notNullable()
      .comment('Target Kubernetes version');
    table.text('request').notNullable().comment('The validated request, JSON');
    table.text('waves').notNullable().comment('The waves, JSON');
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true, precision: 3 }).notNullable();
    table.timestamp('updated_at', { useTz: true, precision: 3 }).notNullable();
    table
      .timestamp('soak_until', { useTz: true, precision: 3 })
      .nullable()
      .comment('The next wave starts after this time');
    table.integer('revision').notNullable().defaultTo(1);
    table
      .text('message')
      .nullable()
      .comment('Why the plan halted or was aborted');
    table.index(['status'], 'kamaji_upgrade_plans_status_idx');
  });
  await knex.schema.createTable('kamaji_upgrade_steps', table => {
    table.comment('One cluster of an upgrade plan');
    table
      .string('plan_id', 64)
      .notNullable()
      .references('id')
      .inTable('kamaji_upgrade_plans')
      .onDelete('CASCADE');
    table.string('cluster_id', 512).notNullable();
    table.integer('wave').notNullable().comment('-1 for refused clusters');
    table.integer('position').notNullable().comment('Order inside the plan');
    table.string('state', 16).notNullable();
    table.string('from_version', 64).nullable();
    table.text('message').nullable();
    table
      .text('baseline')
      .nullable()
      .comment('Condition types that were True before the patch, JSON');
    table.timestamp('started_at', { useTz: true, precision: 3 }).nullable();
    table.timestamp('finished_at', { useTz: true, precision: 3 }).nullable();
    table
      .integer('patch_count')
      .notNullable()
      .defaultTo(0)
      .comment('Patches that changed objects');
    table.primary(['plan_id', 'cluster_id']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kamaji_upgrade_steps');
  await knex.schema.dropTable('kamaji_upgrade_plans');
};
