import type { MigrationInterface, QueryRunner } from 'typeorm';

const BASELINE_KEYS: ReadonlyArray<{ table: string; pkey: string; before: string; after: string }> =
  [
    {
      table: 'baseline_entities',
      pkey: 'baseline_entities_pkey',
      before: 'PRIMARY KEY (entity_type, entity_id)',
      after: 'PRIMARY KEY (entity_type, entity_id, account_id)',
    },
    {
      table: 'baseline_active_days',
      pkey: 'baseline_active_days_pkey',
      before: 'PRIMARY KEY (entity_type, entity_id, day)',
      after: 'PRIMARY KEY (entity_type, entity_id, account_id, day)',
    },
    {
      table: 'baseline_hourly_counts',
      pkey: 'baseline_hourly_counts_pkey',
      before: 'PRIMARY KEY (entity_type, entity_id, action, hour_start) INCLUDE (count)',
      after: 'PRIMARY KEY (entity_type, entity_id, account_id, action, hour_start) INCLUDE (count)',
    },
    {
      table: 'baseline_seen_values',
      pkey: 'baseline_seen_values_pkey',
      before: 'PRIMARY KEY (entity_type, entity_id, dimension, value)',
      after: 'PRIMARY KEY (entity_type, entity_id, account_id, dimension, value)',
    },
  ];

/**
 * Several 1Password accounts per install: the same user uuid or token id in two accounts is
 * two entities. Every baseline row is keyed by its account too; '' is "no account" (events
 * stored before accounts were recorded), which all existing rows get. Incidents record the
 * account of their alerts, and lists filter on it.
 */
export class KeepAccountsApart1796002100000 implements MigrationInterface {
  name = 'KeepAccountsApart1796002100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const { table, pkey, after } of BASELINE_KEYS) {
      await queryRunner.query(
        `ALTER TABLE ${table} ADD COLUMN account_id text NOT NULL DEFAULT ''`,
      );
      await queryRunner.query(
        `ALTER TABLE ${table} DROP CONSTRAINT ${pkey}, ADD CONSTRAINT ${pkey} ${after}`,
      );
    }
    await queryRunner.query(`DROP INDEX baseline_entities_activity_idx`);
    await queryRunner.query(
      `CREATE INDEX baseline_entities_activity_idx
       ON baseline_entities (last_event_at, entity_type, entity_id, account_id)`,
    );

    await queryRunner.query(`ALTER TABLE incidents ADD COLUMN account_id text`);
    await queryRunner.query(
      `CREATE INDEX incidents_account_id_idx ON incidents (account_id, id DESC)
       WHERE account_id IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX incidents_account_id_idx`);
    await queryRunner.query(`ALTER TABLE incidents DROP COLUMN account_id`);

    await queryRunner.query(`DROP INDEX baseline_entities_activity_idx`);
    await queryRunner.query(
      `CREATE INDEX baseline_entities_activity_idx
       ON baseline_entities (last_event_at, entity_type, entity_id)`,
    );
    // Rows of named accounts cannot fit the keys without an account: they are forgotten.
    for (const { table, pkey, before } of BASELINE_KEYS) {
      await queryRunner.query(`DELETE FROM ${table} WHERE account_id <> ''`);
      await queryRunner.query(
        `ALTER TABLE ${table} DROP CONSTRAINT ${pkey}, ADD CONSTRAINT ${pkey} ${before}`,
      );
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN account_id`);
    }
  }
}
