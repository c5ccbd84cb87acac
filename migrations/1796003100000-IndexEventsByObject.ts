import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rules read history by the object of an audit event too: "Export before offboarding" looks
 * for the suspension of the user who exported (`objectId`) within 14 days. Without an index
 * each such range scanned every event of its days by time. Only audit events name an object,
 * so the index stays small.
 */
export class IndexEventsByObject1796003100000 implements MigrationInterface {
  name = 'IndexEventsByObject1796003100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX events_object_time_idx ON events (object_id, event_time)
       WHERE object_id IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX events_object_time_idx`);
  }
}
