/*
 * The live-update stream asks every second which plans changed since it last looked.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('kamaji_upgrade_plans', table => {
    table.index(['updated_at'], 'kamaji_upgrade_plans_updated_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('kamaji_upgrade_plans', table => {
    table.dropIndex(['updated_at'], 'kamaji_upgrade_plans_updated_idx');
  });
};
