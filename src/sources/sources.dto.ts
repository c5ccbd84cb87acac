import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SourceEntity, SourcePosition } from './source.entity';

export class SourcePositionDto {
  @ApiProperty({ description: 'A cursor is held (its value is never shown)' }) hasCursor!: boolean;
  @ApiPropertyOptional() startTime?: string;
  @ApiPropertyOptional() cursorSavedAt?: string;
  @ApiPropertyOptional() pagesRead?: number;
  @ApiPropertyOptional() resetReason?: string;
  @ApiPropertyOptional({ description: 'Connect: Content-Range total at the last poll' })
  total?: number;
  @ApiPropertyOptional({ enum: ['newest_first', 'oldest_first'] }) order?: string;
  @ApiPropertyOptional({
    description:
      'Connect: how many of the oldest listed requests are stored (reading resumes there)',
  })
  frontier?: number;
  @ApiPropertyOptional({ type: [String], description: 'Events API: features the token grants' })
  features?: string[];
}

export class SourceDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['events_api', 'connect'] }) kind!: string;
  @ApiProperty() stream!: string;
  @ApiProperty({ description: 'Base URL polled' }) endpoint!: string;
  @ApiProperty({ enum: ['idle', 'polling', 'backoff', 'failing', 'down', 'disabled'] })
  state!: string;
  @ApiProperty({ type: SourcePositionDto }) position!: SourcePositionDto;
  @ApiProperty({ nullable: true, type: String }) lastPollAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastSuccessAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastErrorAt!: string | null;
  @ApiProperty({ description: 'Polls failed in a row (an outage); 0 after any success' })
  consecutiveFailures!: number;
  @ApiProperty({
    description:
      'Requests sent again after a passing failure (429, 5xx, reset, timeout) without failing the poll, ever',
  })
  retries!: number;
  @ApiProperty({ nullable: true, type: String }) lastRetryAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the last retry was needed' })
  lastRetryError!: string | null;
  @ApiProperty({ nullable: true, type: String }) nextPollAt!: string | null;
  @ApiProperty() eventsStored!: number;
  @ApiProperty({ nullable: true, type: String }) newestEventAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Seconds between now and the newest event',
  })
  lagSeconds!: number | null;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toSourceDto(source: SourceEntity, now = Date.now()): SourceDto {
  const position: SourcePosition = source.position;
  return {
    id: source.id,
    kind: source.kind,
    stream: source.stream,
    endpoint: source.endpoint,
    state: source.state,
    position: {
      hasCursor: source.cursor !== null,
      startTime: position.startTime,
      cursorSavedAt: position.cursorSavedAt,
      pagesRead: position.pagesRead,
      resetReason: position.resetReason,
      total: position.total,
      order: position.order,
      frontier: position.frontier,
      features: position.features,
    },
    lastPollAt: iso(source.lastPollAt),
    lastSuccessAt: iso(source.lastSuccessAt),
    lastError: source.lastError,
    lastErrorAt: iso(source.lastErrorAt),
    consecutiveFailures: source.consecutiveFailures,
    retries: Number(source.retries),
    lastRetryAt: iso(source.lastRetryAt),
    lastRetryError: source.lastRetryError,
    nextPollAt: iso(source.nextPollAt),
    eventsStored: Number(source.eventsStored),
    newestEventAt: iso(source.newestEventAt),
    lagSeconds: source.newestEventAt
      ? Math.max(0, (now - source.newestEventAt.getTime()) / 1000)
      : null,
  };
}
