import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Several Events API accounts and Connect servers: each stream row names the source it
 * belongs to and the account it reads (the rows of the single-source variables become the
 * source `default`, ids and cursors unchanged), and sources created over the API are kept
 * with their token encrypted (AES-256-GCM; the key is never in the database).
 */
export class NameSources1796002000000 implements MigrationInterface {
  name = 'NameSources1796002000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE sources ADD COLUMN source_name text NOT NULL DEFAULT 'default'`,
    );
    await queryRunner.query(`ALTER TABLE sources ALTER COLUMN source_name DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE sources ADD COLUMN account_id text`);
    await queryRunner.query(`CREATE INDEX sources_source_name_idx ON sources (source_name)`);
    await queryRunner.query(`
      CREATE TABLE source_definitions (
        name text NOT NULL,
        kind text NOT NULL,
        url text,
        token_ciphertext text NOT NULL,
        token_last4 text,
        account text,
        poll_interval_seconds double precision,
        max_requests_per_minute integer,
        start_time timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT source_definitions_pkey PRIMARY KEY (name),
        CONSTRAINT source_definitions_kind_check CHECK (kind IN ('events_api', 'connect'))
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE source_definitions`);
    await queryRunner.query(`DROP INDEX sources_source_name_idx`);
    await queryRunner.query(`ALTER TABLE sources DROP COLUMN account_id`);
    await queryRunner.query(`ALTER TABLE sources DROP COLUMN source_name`);
  }
}
