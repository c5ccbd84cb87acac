import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Slack rate gate on PostgreSQL (when the queues are not on Redis): one row per Slack
 * channel holding its next free slot, taken by one function call, as the Redis script does.
 */
export class CreateSlackRateSlots1796000500000 implements MigrationInterface {
  name = 'CreateSlackRateSlots1796000500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE slack_rate_slots (
        key text NOT NULL,
        tat_ms bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT slack_rate_slots_pkey PRIMARY KEY (key)
      )`);
    // GCRA: tat is the theoretical arrival time of the next message; `burst` messages may go
    // at once, then one per interval. The clock is the server's, read once the row is locked.
    await queryRunner.query(`
      CREATE FUNCTION slack_rate_reserve(
        p_key text, p_interval_ms bigint, p_burst integer, p_max_wait_ms bigint, p_now_ms bigint
      ) RETURNS TABLE (granted boolean, wait_ms bigint, slot_ms bigint)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_stored bigint;
        v_now bigint;
        v_tat bigint;
        v_slot bigint;
      BEGIN
        INSERT INTO slack_rate_slots (key, tat_ms) VALUES (p_key, 0) ON CONFLICT (key) DO NOTHING;
        SELECT s.tat_ms INTO v_stored FROM slack_rate_slots s WHERE s.key = p_key FOR UPDATE;
        v_now := COALESCE(p_now_ms, floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint);
        v_tat := GREATEST(v_now, v_stored) + p_interval_ms;
        v_slot := GREATEST(v_now, v_tat - p_burst * p_interval_ms);
        IF p_max_wait_ms >= 0 AND v_slot - v_now > p_max_wait_ms THEN
          RETURN QUERY SELECT false, v_slot - v_now, v_slot;
          RETURN;
        END IF;
        UPDATE slack_rate_slots s SET tat_ms = v_tat, updated_at = now() WHERE s.key = p_key;
        RETURN QUERY SELECT true, v_slot - v_now, v_slot;
      END
      $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP FUNCTION slack_rate_reserve(text, bigint, integer, bigint, bigint)`,
    );
    await queryRunner.query(`DROP TABLE slack_rate_slots`);
  }
}
