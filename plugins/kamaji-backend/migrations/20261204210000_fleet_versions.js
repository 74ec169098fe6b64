/*
 * One fleet-wide, database-ordered change feed for backend replicas: a one-row version counter
 * that every write-behind batch increments first (its row lock orders concurrent writers, so
 * commit order is version order), a `seq` on every state row (the version that last wrote it),
 * and deletions kept as tombstones (payload null) until pruned, so a replica that follows the
 * database can read only what changed since the version it has.
 */

const { randomBytes } = require('node:crypto');

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kamaji_fleet_version', table => {
    table.comment('The fleet-wide version of the saved fleet state (one row)');
    table.integer('id').primary();
    table
      .bigInteger('version')
      .notNullable()
      .comment('Incremented by every write-behind batch');
    table
      .bigInteger('pruned_below')
      .notNullable()
      .comment('Tombstones up to this version were pruned: a follower behind it reloads');
    table
      .string('epoch', 32)
      .notNullable()
      .comment('Identifies this counter: version numbers mean the same on every replica');
  });
  // Version 1 is the state before any batch: 0 stays the empty model a replica starts with.
  await knex('kamaji_fleet_version').insert({
    id: 1,
    version: 1,
    pruned_below: 0,
    epoch: randomBytes(8).toString('hex'),
  });
  await knex.schema.alterTable('kamaji_fleet_objects', table => {
    table
      .bigInteger('seq')
      .notNullable()
      .defaultTo(0)
      .comment('Fleet version that last wrote the row');
    table.text('data').nullable().comment('The slim object, JSON; null: deleted').alter();
    table.index(['seq'], 'kamaji_fleet_objects_seq_idx');
  });
  await knex.schema.alterTable('kamaji_fleet_sources', table => {
    table
      .bigInteger('seq')
      .notNullable()
      .defaultTo(0)
      .comment('Fleet version that last wrote the row');
    table
      .text('kinds')
      .nullable()
      .comment('JSON list of the kinds that were listed; null: the cluster is gone')
      .alter();
    table.index(['seq'], 'kamaji_fleet_sources_seq_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex('kamaji_fleet_objects').whereNull('data').delete();
  await knex('kamaji_fleet_sources').whereNull('kinds').delete();
  await knex.schema.alterTable('kamaji_fleet_sources', table => {
    table.dropIndex(['seq'], 'kamaji_fleet_sources_seq_idx');
    table.dropColumn('seq');
    table.text('kinds').notNullable().alter();
  });
  await knex.schema.alterTable('kamaji_fleet_objects', table => {
    table.dropIndex(['seq'], 'kamaji_fleet_objects_seq_idx');
    table.dropColumn('seq');
    table.text('data').notNullable().alter();
  });
  await knex.schema.dropTable('kamaji_fleet_version');
};
