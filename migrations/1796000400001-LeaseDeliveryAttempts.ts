import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the attempt in flight on a delivery started. One attempt at a time: a second worker
 * (a job run again after its worker died, or re-enqueued after the queue lost it) waits for
 * the lease to run out, and an attempt that ran out without recording its outcome may have
 * sent: the next one checks with the channel before sending again.
 */
export class LeaseDeliveryAttempts1796000400001 implements MigrationInterface {
  name = 'LeaseDeliveryAttempts1796000400001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE deliveries ADD COLUMN attempt_started_at timestamptz`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE deliveries DROP COLUMN attempt_started_at`);
  }
}
