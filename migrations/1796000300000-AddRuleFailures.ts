import { MigrationInterface, QueryRunner } from 'typeorm';

/** The last error a rule raised while judging a batch, and how many batches it failed. */
export class AddRuleFailures1796000300000 implements MigrationInterface {
  name = 'AddRuleFailures1796000300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE rules
        ADD COLUMN last_error text,
        ADD COLUMN last_error_at timestamptz,
        ADD COLUMN failure_count bigint NOT NULL DEFAULT 0`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE rules
        DROP COLUMN failure_count,
        DROP COLUMN last_error_at,
        DROP COLUMN last_error`);
  }
}
