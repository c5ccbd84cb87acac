import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { ApiPrincipal } from '../auth/api-principal';
import type { CreateSilenceDto, SilenceDto } from './silences.dto';
import { SilencesRepository, type SilenceRow } from './silences.repository';

export const MAX_SILENCE_MS = 30 * 86_400_000;

/** Silences mute notifications of matching alerts; the alerts are still recorded. */
@Injectable()
export class SilencesService {
  constructor(private readonly repository: SilencesRepository) {}

  async create(input: CreateSilenceDto, by: ApiPrincipal): Promise<SilenceDto> {
    const now = Date.now();
    const startsAt = input.startsAt ?? new Date(now);
    const matchers = input.matchers;
    if (!Object.values(matchers).some((values) => Array.isArray(values) && values.length > 0)) {
      throw new BadRequestException(
        'matchers: name at least one rule, severity, actor, tag or account',
      );
    }
    if (input.endsAt.getTime() <= Math.max(now, startsAt.getTime())) {
      throw new BadRequestException('endsAt: must be after now and after startsAt');
    }
    if (input.endsAt.getTime() - now > MAX_SILENCE_MS) {
      throw new BadRequestException('endsAt: at most 30 days from now');
    }
    const row = await this.repository.create({
      matchers: { ...matchers },
      startsAt,
      endsAt: input.endsAt,
      comment: input.comment,
      createdBy: by.name,
      createdByKeyId: by.id,
    });
    return toDto(row);
  }

  async list(): Promise<SilenceDto[]> {
    return (await this.repository.findCurrent()).map(toDto);
  }

  async expire(id: string): Promise<void> {
    if (!(await this.repository.expire(id)))
      throw new NotFoundException(`silence ${id} does not exist or ended`);
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
