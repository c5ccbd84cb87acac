import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIngestion1795394766758 implements MigrationInterface {
  name = 'CreateIngestion1795394766758';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE events (
        id bigint GENERATED ALWAYS AS IDENTITY,
        stream text NOT NULL,
        external_id text NOT NULL,
        source_id text NOT NULL,
        event_time timestamptz NOT NULL,
        ingested_at timestamptz NOT NULL DEFAULT now(),
        actor_type text,
        actor_id text,
        actor_email text,
        actor_name text,
        connect_server_id text,
        action text,
        result text,
        result_detail text,
        object_type text,
        object_id text,
        aux_id text,
        vault_id text,
        item_id text,
        session_id text,
        ip text,
        country text,
        region text,
        city text,
        latitude double precision,
        longitude double precision,
        client_app text,
        client_version text,
        platform text,
        os text,
        user_agent text,
        account_id text,
        raw jsonb NOT NULL,
        CONSTRAINT events_pkey PRIMARY KEY (id),
        CONSTRAINT events_stream_external_id_key UNIQUE (stream, external_id)
      )`);
    // Detection and the API read one actor's events over time, and rule tests scan a time range.
    await queryRunner.query(`CREATE INDEX events_actor_time_idx ON events (actor_id, event_time)`);
    await queryRunner.query(`CREATE INDEX events_time_idx ON events (event_time)`);

    await queryRunner.query(`
      CREATE TABLE rejected_events (
        id bigint GENERATED ALWAYS AS IDENTITY,
        source_id text NOT NULL,
        stream text,
        external_id text,
        reason text NOT NULL,
        raw jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT rejected_events_pkey PRIMARY KEY (id)
      )`);
    await queryRunner.query(
      `CREATE INDEX rejected_events_received_idx ON rejected_events (received_at)`,
    );
    // A malformed object that a source serves again (Connect re-lists old activity) is kept once.
    await queryRunner.query(
      `CREATE UNIQUE INDEX rejected_events_source_external_idx
       ON rejected_events (source_id, stream, external_id) WHERE external_id IS NOT NULL`,
    );

    // The outbox between ingest and detection: one row per committed page.
    await queryRunner.query(`
      CREATE TABLE ingest_batches (
        id bigint GENERATED ALWAYS AS IDENTITY,
        source_id text NOT NULL,
        event_ids bigint[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        detected_at timestamptz,
        CONSTRAINT ingest_batches_pkey PRIMARY KEY (id)
      )`);
    await queryRunner.query(
      `CREATE INDEX ingest_batches_pending_idx ON ingest_batches (created_at) WHERE detected_at IS NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE sources (
        id text NOT NULL,
        kind text NOT NULL,
        stream text NOT NULL,
        endpoint text NOT NULL,
        state text NOT NULL DEFAULT 'idle',
        cursor text,
        cursor_version bigint NOT NULL DEFAULT 0,
        position jsonb NOT NULL DEFAULT '{}',
        last_poll_at timestamptz,
        last_success_at timestamptz,
        last_error text,
        last_error_at timestamptz,
        consecutive_failures integer NOT NULL DEFAULT 0,
        next_poll_at timestamptz,
        events_stored bigint NOT NULL DEFAULT 0,
        newest_event_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sources_pkey PRIMARY KEY (id)
      )`);

    await queryRunner.query(`
      CREATE TABLE api_keys (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT api_keys_pkey PRIMARY KEY (id),
        CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash),
        CONSTRAINT api_keys_role_check CHECK (role IN ('viewer', 'responder', 'admin'))
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE api_keys`);
    await queryRunner.query(`DROP TABLE sources`);
    await queryRunner.query(`DROP TABLE ingest_batches`);
    await queryRunner.query(`DROP TABLE rejected_events`);
    await queryRunner.query(`DROP TABLE events`);
  }
}
