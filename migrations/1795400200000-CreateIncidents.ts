import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIncidents1795400200000 implements MigrationInterface {
  name = 'CreateIncidents1795400200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE incidents (
        id bigint GENERATED ALWAYS AS IDENTITY,
        dedup_key text NOT NULL,
        rule_id uuid NOT NULL,
        group_key text NOT NULL,
        actor_id text,
        actor_label text,
        title text NOT NULL,
        severity text NOT NULL,
        status text NOT NULL DEFAULT 'triggered',
        alert_count integer NOT NULL DEFAULT 0,
        first_alert_at timestamptz NOT NULL,
        last_alert_at timestamptz NOT NULL,
        snoozed_until timestamptz,
        acknowledged_by text,
        acknowledged_at timestamptz,
        resolved_by text,
        resolved_at timestamptz,
        previous_incident_id bigint,
        last_notified_at timestamptz,
        tags text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT incidents_pkey PRIMARY KEY (id),
        CONSTRAINT incidents_rule_fkey FOREIGN KEY (rule_id) REFERENCES rules (id),
        CONSTRAINT incidents_previous_fkey FOREIGN KEY (previous_incident_id) REFERENCES incidents (id),
        CONSTRAINT incidents_status_check
          CHECK (status IN ('triggered', 'acknowledged', 'snoozed', 'resolved'))
      )`);
    // One open incident per rule and group key: alerts join it; two workers cannot open two.
    await queryRunner.query(
      `CREATE UNIQUE INDEX incidents_open_dedup_key ON incidents (dedup_key) WHERE status <> 'resolved'`,
    );
    await queryRunner.query(
      `CREATE INDEX incidents_created_idx ON incidents (created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX incidents_status_created_idx ON incidents (status, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX incidents_actor_created_idx ON incidents (actor_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX incidents_snoozed_idx ON incidents (snoozed_until) WHERE status = 'snoozed'`,
    );
    await queryRunner.query(
      `CREATE INDEX incidents_triggered_idx ON incidents (last_notified_at) WHERE status = 'triggered'`,
    );

    await queryRunner.query(`ALTER TABLE alerts ADD COLUMN incident_id bigint`);
    // Why an alert notified nobody: shadow, horizon, silenced, suppressed.
    await queryRunner.query(`ALTER TABLE alerts ADD COLUMN muted_reason text`);
    await queryRunner.query(
      `ALTER TABLE alerts ADD CONSTRAINT alerts_incident_fkey FOREIGN KEY (incident_id) REFERENCES incidents (id)`,
    );
    await queryRunner.query(`CREATE INDEX alerts_incident_idx ON alerts (incident_id, id)`);

    // The timeline of an incident, and the outbox of its notifications.
    await queryRunner.query(`
      CREATE TABLE incident_changes (
        id bigint GENERATED ALWAYS AS IDENTITY,
        incident_id bigint NOT NULL,
        kind text NOT NULL,
        by text,
        note text,
        details jsonb NOT NULL DEFAULT '{}',
        notify boolean NOT NULL,
        muted_reason text,
        routed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT incident_changes_pkey PRIMARY KEY (id),
        CONSTRAINT incident_changes_incident_fkey FOREIGN KEY (incident_id) REFERENCES incidents (id)
      )`);
    await queryRunner.query(
      `CREATE INDEX incident_changes_incident_idx ON incident_changes (incident_id, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX incident_changes_unrouted_idx ON incident_changes (created_at)
       WHERE notify AND routed_at IS NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE silences (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        matchers jsonb NOT NULL,
        starts_at timestamptz NOT NULL DEFAULT now(),
        ends_at timestamptz NOT NULL,
        comment text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expired_at timestamptz,
        CONSTRAINT silences_pkey PRIMARY KEY (id)
      )`);
    await queryRunner.query(`CREATE INDEX silences_ends_idx ON silences (ends_at)`);

    await queryRunner.query(`
      CREATE TABLE channels (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        type text NOT NULL,
        settings jsonb NOT NULL DEFAULT '{}',
        secrets jsonb NOT NULL DEFAULT '{}',
        min_severity text NOT NULL DEFAULT 'info',
        rule_ids uuid[] NOT NULL DEFAULT '{}',
        tags text[] NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        managed_by_env boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT channels_pkey PRIMARY KEY (id),
        CONSTRAINT channels_name_key UNIQUE (name),
        CONSTRAINT channels_type_check CHECK (type IN ('slack', 'email', 'webhook'))
      )`);

    await queryRunner.query(`
      CREATE TABLE deliveries (
        id bigint GENERATED ALWAYS AS IDENTITY,
        change_id bigint NOT NULL,
        channel_id uuid NOT NULL,
        incident_id bigint NOT NULL,
        status text NOT NULL DEFAULT 'queued',
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        provider_ref text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        CONSTRAINT deliveries_pkey PRIMARY KEY (id),
        CONSTRAINT deliveries_change_channel_key UNIQUE (change_id, channel_id),
        CONSTRAINT deliveries_change_fkey FOREIGN KEY (change_id) REFERENCES incident_changes (id),
        CONSTRAINT deliveries_channel_fkey FOREIGN KEY (channel_id) REFERENCES channels (id) ON DELETE CASCADE,
        CONSTRAINT deliveries_status_check CHECK (status IN ('queued', 'sent', 'failed'))
      )`);
    await queryRunner.query(`CREATE INDEX deliveries_incident_idx ON deliveries (incident_id, id)`);
    await queryRunner.query(
      `CREATE INDEX deliveries_queued_idx ON deliveries (updated_at) WHERE status = 'queued'`,
    );

    // What each channel keeps to update its first message about an incident (Slack ts, email root).
    await queryRunner.query(`
      CREATE TABLE incident_threads (
        incident_id bigint NOT NULL,
        channel_id uuid NOT NULL,
        thread jsonb NOT NULL,
        CONSTRAINT incident_threads_pkey PRIMARY KEY (incident_id, channel_id),
        CONSTRAINT incident_threads_incident_fkey FOREIGN KEY (incident_id) REFERENCES incidents (id),
        CONSTRAINT incident_threads_channel_fkey FOREIGN KEY (channel_id) REFERENCES channels (id) ON DELETE CASCADE
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE incident_threads`);
    await queryRunner.query(`DROP TABLE deliveries`);
    await queryRunner.query(`DROP TABLE channels`);
    await queryRunner.query(`DROP TABLE silences`);
    await queryRunner.query(`DROP TABLE incident_changes`);
    await queryRunner.query(`DROP INDEX alerts_incident_idx`);
    await queryRunner.query(`ALTER TABLE alerts DROP CONSTRAINT alerts_incident_fkey`);
    await queryRunner.query(`ALTER TABLE alerts DROP COLUMN muted_reason`);
    await queryRunner.query(`ALTER TABLE alerts DROP COLUMN incident_id`);
    await queryRunner.query(`DROP TABLE incidents`);
  }
}
