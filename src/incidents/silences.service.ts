import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ApiPrincipal } from '../auth/api-principal';
import type { CreateSilenceDto, SilenceDto } from './silences.dto';

export const MAX_SILENCE_MS = 30 * 86_400_000;

interface SilenceRow {
  id: string;
  matchers: SilenceDto['matchers'];
  starts_at: Date;
  ends_at: Date;
  comment: string;
  created_by: string;
  created_by_key_id: string | null;
  created_at: Date;
}

/** Silences mute notifications of matching alerts; the alerts are still recorded. */
@Injectable()
export class SilencesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(input: CreateSilenceDto, by: ApiPrincipal): Promise<SilenceDto> {
    const now = Date.now();
    const startsAt = input.startsAt ?? new Date(now);
    const matchers = input.matchers;
    if (!Object.values(matchers).some((values) => Array.isArray(values) && values.length > 0)) {
      throw new BadRequestException('matchers: name at least one rule, severity, actor or tag');
    }
    if (input.endsAt.getTime() <= Math.max(now, startsAt.getTime())) {
      throw new BadRequestException('endsAt: must be after now and after startsAt');
    }
    if (input.endsAt.getTime() - now > MAX_SILENCE_MS) {
      throw new BadRequestException('endsAt: at most 30 days from now');
    }
    const [row]: SilenceRow[] = await this.dataSource.query(
      `INSERT INTO silences (matchers, starts_at, ends_at, comment, created_by, created_by_key_id)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [{ ...matchers }, startsAt, input.endsAt, input.comment, by.name, by.id],
    );
    return toDto(row);
  }

  async list(): Promise<SilenceDto[]> {
    const rows: SilenceRow[] = await this.dataSource.query(
      `SELECT * FROM silences WHERE expired_at IS NULL AND ends_at > now() ORDER BY ends_at`,
    );
    return rows.map(toDto);
  }

  async expire(id: string): Promise<void> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH expired AS (
         UPDATE silences SET expired_at = now() WHERE id = $1 AND expired_at IS NULL RETURNING id)
       SELECT id FROM expired`,
      [id],
    );
    if (rows.length === 0) throw new NotFoundException(`silence ${id} does not exist or ended`);
  }
}

function toDto(row: SilenceRow): SilenceDto {
  const now = Date.now();
  return {
    id: row.id,
    matchers: row.matchers,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    comment: row.comment,
    createdBy: row.created_by,
    createdByKeyId: row.created_by_key_id,
    createdAt: row.created_at.toISOString(),
    active: row.starts_at.getTime() <= now && row.ends_at.getTime() > now,
  };
}
