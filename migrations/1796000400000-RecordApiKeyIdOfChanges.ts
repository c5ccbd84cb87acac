import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who acted is recorded by the API key's id as well as its name: names can be reused or
 * renamed, ids cannot. No foreign key: a revoked key's history stays.
 */
export class RecordApiKeyIdOfChanges1796000400000 implements MigrationInterface {
  name = 'RecordApiKeyIdOfChanges1796000400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE incident_changes ADD COLUMN by_key_id uuid`);
    await queryRunner.query(`ALTER TABLE silences ADD COLUMN created_by_key_id uuid`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE silences DROP COLUMN created_by_key_id`);
    await queryRunner.query(`ALTER TABLE incident_changes DROP COLUMN by_key_id`);
  }
}
