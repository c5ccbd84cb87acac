import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each event names the ingest batch that stored it, so the events of a few users still waiting
 * for detection are found through the users' own index, not by unnesting every waiting batch.
 * Events of batches detected before this migration keep NULL: nothing waits on them.
 */
export class RecordBatchOfEvents1796003000000 implements MigrationInterface {
  name = 'RecordBatchOfEvents1796003000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE events ADD COLUMN batch_id bigint`);
    await queryRunner.query(`
      UPDATE events e SET batch_id = b.id
      FROM ingest_batches b CROSS JOIN LATERAL unnest(b.event_ids) AS x(event_id)
      WHERE b.detected_at IS NULL AND e.id = x.event_id`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE events DROP COLUMN batch_id`);
  }
}
