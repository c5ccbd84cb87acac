import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events note the fields they lost on the way in; rejected objects are kept once per source
 * and content (a source serving the same bad object on every poll adds no rows).
 */
export class BoundRejectedEvents1796000200000 implements MigrationInterface {
  name = 'BoundRejectedEvents1796000200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE events ADD COLUMN issues jsonb`);
    await queryRunner.query(`ALTER TABLE rejected_events ADD COLUMN raw_hash bytea`);
    // Where the object was in its page or request body (0-based).
    await queryRunner.query(`ALTER TABLE rejected_events ADD COLUMN position integer`);
    await queryRunner.query(
      `UPDATE rejected_events SET raw_hash = sha256(convert_to(raw::text, 'UTF8'))`,
    );
    await queryRunner.query(`
      DELETE FROM rejected_events r USING rejected_events older
      WHERE older.source_id = r.source_id AND older.raw_hash = r.raw_hash AND older.id < r.id`);
    await queryRunner.query(`ALTER TABLE rejected_events ALTER COLUMN raw_hash SET NOT NULL`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX rejected_events_source_raw_hash_idx ON rejected_events (source_id, raw_hash)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX rejected_events_source_raw_hash_idx`);
    await queryRunner.query(`ALTER TABLE rejected_events DROP COLUMN position`);
    await queryRunner.query(`ALTER TABLE rejected_events DROP COLUMN raw_hash`);
    await queryRunner.query(`ALTER TABLE events DROP COLUMN issues`);
  }
}
