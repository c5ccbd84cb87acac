import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { SilenceMatchers } from './silence-matcher';

export interface SilenceRow {
  id: string;
  matchers: SilenceMatchers;
  starts_at: Date;
  ends_at: Date;
  comment: string;
  created_by: string;
  created_by_key_id: string | null;
  created_at: Date;
}

export interface SilenceToCreate {
  matchers: SilenceMatchers;
  startsAt: Date;
  endsAt: Date;
  comment: string;
  createdBy: string;
  createdByKeyId: string | null;
}

/** Owns silences. */
@Injectable()
export class SilencesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(silence: SilenceToCreate): Promise<SilenceRow> {
    const [row]: SilenceRow[] = await this.dataSource.query(
      `INSERT INTO silences (matchers, starts_at, ends_at, comment, created_by, created_by_key_id)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [
        silence.matchers,
        silence.startsAt,
        silence.endsAt,
        silence.comment,
        silence.createdBy,
        silence.createdByKeyId,
      ],
    );
    return row;
  }

  /** Silences not expired and not yet ended, soonest end first. */
  findCurrent(): Promise<SilenceRow[]> {
    return this.dataSource.query(
      `SELECT * FROM silences WHERE expired_at IS NULL AND ends_at > now() ORDER BY ends_at`,
    );
  }

  /** False when the silence does not exist or was expired already. */
  async expire(id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH expired AS (
         UPDATE silences SET expired_at = now() WHERE id = $1 AND expired_at IS NULL RETURNING id)
       SELECT id FROM expired`,
      [id],
    );
    return rows.length > 0;
  }

  /** The matchers of the silences in force at `at`, read in the caller's transaction. */
  async matchersInForce(manager: EntityManager, at: Date): Promise<SilenceMatchers[]> {
    const rows: Array<{ matchers: SilenceMatchers }> = await manager.query(
      `SELECT matchers FROM silences
       WHERE starts_at <= $1 AND ends_at > $1 AND expired_at IS NULL`,
      [at],
    );
    return rows.map((row) => row.matchers);
  }
}
