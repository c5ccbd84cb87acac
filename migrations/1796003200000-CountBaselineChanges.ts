import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One counter, bumped in every transaction that changes what the baselines hold (a detection
 * pass's learning, retention, forgetting an entity). A worker keeps the baselines it read and
 * wrote in memory, and trusts them only while the counter is where its own last pass left it:
 * then no other process has changed them since.
 */
export class CountBaselineChanges1796003200000 implements MigrationInterface {
  name = 'CountBaselineChanges1796003200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE baseline_changes (
         one boolean NOT NULL DEFAULT true,
         version bigint NOT NULL,
         CONSTRAINT baseline_changes_pkey PRIMARY KEY (one),
         CONSTRAINT baseline_changes_one_row CHECK (one)
       )`,
    );
    await queryRunner.query(`INSERT INTO baseline_changes (version) VALUES (0)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE baseline_changes`);
  }
}
