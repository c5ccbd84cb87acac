import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRulesAndAlerts1795400000000 implements MigrationInterface {
  name = 'CreateRulesAndAlerts1795400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE rules (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        template_id text,
        version integer NOT NULL DEFAULT 1,
        definition jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        CONSTRAINT rules_pkey PRIMARY KEY (id),
        -- A built-in template is installed once; a deleted one stays deleted.
        CONSTRAINT rules_template_id_key UNIQUE (template_id)
      )`);
    // Every version a rule ever had, so an alert's rule version can always be read back.
    await queryRunner.query(`
      CREATE TABLE rule_versions (
        rule_id uuid NOT NULL,
        version integer NOT NULL,
        definition jsonb NOT NULL,
        changed_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT rule_versions_pkey PRIMARY KEY (rule_id, version),
        CONSTRAINT rule_versions_rule_fkey FOREIGN KEY (rule_id) REFERENCES rules (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`
      CREATE TABLE lists (
        name text NOT NULL,
        items text[] NOT NULL DEFAULT '{}',
        description text NOT NULL DEFAULT '',
        updated_by text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT lists_pkey PRIMARY KEY (name)
      )`);
    await queryRunner.query(`
      CREATE TABLE alerts (
        id bigint GENERATED ALWAYS AS IDENTITY,
        rule_id uuid NOT NULL,
        rule_version integer NOT NULL,
        fingerprint text NOT NULL,
        group_key text NOT NULL,
        severity text NOT NULL,
        mode text NOT NULL,
        actor_id text,
        event_time timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        batch_id bigint,
        evidence_event_ids bigint[] NOT NULL,
        explanation text NOT NULL,
        figures jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT alerts_pkey PRIMARY KEY (id),
        CONSTRAINT alerts_rule_fingerprint_key UNIQUE (rule_id, fingerprint),
        CONSTRAINT alerts_rule_fkey FOREIGN KEY (rule_id) REFERENCES rules (id)
      )`);
    await queryRunner.query(`CREATE INDEX alerts_created_idx ON alerts (created_at)`);
    await queryRunner.query(`CREATE INDEX alerts_actor_idx ON alerts (actor_id, event_time)`);
    // Rules grouped by IP (sign-in failures per IP, password spray) read an IP's recent events.
    await queryRunner.query(
      `CREATE INDEX events_ip_time_idx ON events (ip, event_time) WHERE ip IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX events_ip_time_idx`);
    await queryRunner.query(`DROP TABLE alerts`);
    await queryRunner.query(`DROP TABLE lists`);
    await queryRunner.query(`DROP TABLE rule_versions`);
    await queryRunner.query(`DROP TABLE rules`);
  }
}
