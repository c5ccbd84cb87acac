import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Incidents of an actor are looked up case-blind and newest first (`lower(actor_id)`, then
 * id): the index on the raw actor id and creation time served neither.
 */
export class IndexIncidentsByActor1796001500000 implements MigrationInterface {
  name = 'IndexIncidentsByActor1796001500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX incidents_actor_lower_idx ON incidents (lower(actor_id), id DESC)`,
    );
    await queryRunner.query(`DROP INDEX incidents_actor_created_idx`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX incidents_actor_created_idx ON incidents (actor_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(`DROP INDEX incidents_actor_lower_idx`);
  }
}
