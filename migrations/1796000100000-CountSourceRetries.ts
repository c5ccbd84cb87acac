import { MigrationInterface, QueryRunner } from 'typeorm';

/** Requests retried in place are counted apart from failed polls (outages). */
export class CountSourceRetries1796000100000 implements MigrationInterface {
  name = 'CountSourceRetries1796000100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE sources
        ADD COLUMN retries bigint NOT NULL DEFAULT 0,
        ADD COLUMN last_retry_at timestamptz,
        ADD COLUMN last_retry_error text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE sources
        DROP COLUMN last_retry_error,
        DROP COLUMN last_retry_at,
        DROP COLUMN retries`);
  }
}
