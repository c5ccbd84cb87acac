import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Incident lists are newest first by id, filtered by status or by actor looked up case-blind
 * (`lower(actor_id)`): the indexes on the raw actor id and on creation time served neither.
 */
export class IndexIncidentLists1796001500000 implements MigrationInterface {
  name = 'IndexIncidentLists1796001500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX incidents_actor_lower_idx ON incidents (lower(actor_id), id DESC)`,
    );
    await queryRunner.query(`DROP INDEX incidents_actor_created_idx`);
    await queryRunner.query(`CREATE INDEX incidents_status_id_idx ON incidents (status, id DESC)`);
    await queryRunner.query(`DROP INDEX incidents_status_created_idx`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX incidents_status_created_idx ON incidents (status, created_at DESC, id DESC)`,
    );
    await queryRunner.query(`DROP INDEX incidents_status_id_idx`);
    await queryRunner.query(
      `CREATE INDEX incidents_actor_created_idx ON incidents (actor_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(`DROP INDEX incidents_actor_lower_idx`);
  }
}
