import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBaselines1795400100000 implements MigrationInterface {
  name = 'CreateBaselines1795400100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // One profile per entity: a user (uuid), a Connect token (jti) or a Connect server (id).
    await queryRunner.query(`
      CREATE TABLE baseline_entities (
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        label text,
        label_at timestamptz,
        first_event_at timestamptz NOT NULL,
        last_event_at timestamptz NOT NULL,
        active_days integer NOT NULL DEFAULT 0,
        event_count bigint NOT NULL DEFAULT 0,
        successful_signins bigint NOT NULL DEFAULT 0,
        last_location_at timestamptz,
        last_latitude double precision,
        last_longitude double precision,
        last_country text,
        last_city text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT baseline_entities_pkey PRIMARY KEY (entity_type, entity_id),
        CONSTRAINT baseline_entities_entity_type_check
          CHECK (entity_type IN ('user', 'connect_token', 'connect_server'))
      )`);
    // The list: newest activity first, keyset on (last_event_at, entity_type, entity_id).
    await queryRunner.query(
      `CREATE INDEX baseline_entities_activity_idx
       ON baseline_entities (last_event_at, entity_type, entity_id)`,
    );
    // Case-insensitive lookups: equality and prefix on the id, prefix on the label.
    await queryRunner.query(
      `CREATE INDEX baseline_entities_lower_id_idx
       ON baseline_entities (lower(entity_id) text_pattern_ops)`,
    );
    await queryRunner.query(
      `CREATE INDEX baseline_entities_lower_label_idx
       ON baseline_entities (lower(label) text_pattern_ops)`,
    );

    // Distinct UTC days with activity: an insert that conflicts is a day already counted,
    // which keeps baseline_entities.active_days exact under concurrent batches.
    await queryRunner.query(`
      CREATE TABLE baseline_active_days (
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        day date NOT NULL,
        CONSTRAINT baseline_active_days_pkey PRIMARY KEY (entity_type, entity_id, day)
      )`);

    // Events per entity, action and hour of event time; kept 90 days. The key index carries
    // the count: one entity's 90 days are then read from a few index pages (index-only scan)
    // instead of one heap page per hour, as live traffic interleaves entities in the heap.
    await queryRunner.query(`
      CREATE TABLE baseline_hourly_counts (
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        action text NOT NULL,
        hour_start timestamptz NOT NULL,
        count integer NOT NULL,
        CONSTRAINT baseline_hourly_counts_pkey
          PRIMARY KEY (entity_type, entity_id, action, hour_start) INCLUDE (count),
        CONSTRAINT baseline_hourly_counts_hour_check CHECK (extract(epoch FROM hour_start) % 3600 = 0)
      )`);
    // Retention deletes by age.
    await queryRunner.query(
      `CREATE INDEX baseline_hourly_counts_hour_idx ON baseline_hourly_counts (hour_start)`,
    );

    // Values seen per entity and dimension (country, ip, clientApp, vaultId, itemId…). Every
    // batch bumps count and last_seen of the values it saw: no index covers them, and pages
    // keep room, so those updates stay HOT (no index writes). Retention, daily, scans.
    await queryRunner.query(`
      CREATE TABLE baseline_seen_values (
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        dimension text NOT NULL,
        value text NOT NULL,
        first_seen timestamptz NOT NULL,
        last_seen timestamptz NOT NULL,
        count bigint NOT NULL,
        CONSTRAINT baseline_seen_values_pkey PRIMARY KEY (entity_type, entity_id, dimension, value)
      ) WITH (fillfactor = 80)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE baseline_seen_values`);
    await queryRunner.query(`DROP TABLE baseline_hourly_counts`);
    await queryRunner.query(`DROP TABLE baseline_active_days`);
    await queryRunner.query(`DROP TABLE baseline_entities`);
  }
}
