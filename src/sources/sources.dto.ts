import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SOURCE_KINDS } from '../config/source-definition';
import type { SourceSummary } from './source-catalog.service';
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
  @ApiProperty({ description: 'The named source this stream belongs to' }) source!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The 1Password account read (upper-case), once known',
  })
  accountId!: string | null;
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
    source: source.sourceName,
    accountId: source.accountId,
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

/** A named source: an Events API token or a Connect server, and its streams. */
export class NamedSourceDto {
  @ApiProperty({ description: 'Lower-case slug; `default` is the OP_* variables' }) name!: string;
  @ApiProperty({ enum: SOURCE_KINDS }) kind!: string;
  @ApiProperty({
    enum: ['env', 'file', 'api'],
    description: 'Where it is defined; only `api` sources can be changed over the API',
  })
  origin!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Configured base URL (Events API: null reads it from the token)',
  })
  url!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The account read: from introspection, the Connect token or the definition',
  })
  accountId!: string | null;
  @ApiProperty({ description: 'A token is set (it is never returned)' }) tokenSet!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'Last 4 characters of the token' })
  tokenLast4!: string | null;
  @ApiProperty() pollIntervalSeconds!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Events API: request budget' })
  maxRequestsPerMinute!: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Events API: where a stream without a cursor starts reading',
  })
  startTime!: string | null;
  @ApiProperty({ type: [SourceDto] }) streams!: SourceDto[];
}

/** The body of POST /api/v1/sources (validated by the sources schema). */
export class CreateSourceDto {
  @ApiProperty({ description: 'Lower-case slug, unique; not `default`' }) name!: string;
  @ApiProperty({ enum: SOURCE_KINDS }) kind!: string;
  @ApiPropertyOptional({ description: 'Events API: default from the token; Connect: required' })
  url?: string;
  @ApiProperty({ description: 'Write-only; stored encrypted' }) token!: string;
  @ApiPropertyOptional({ description: 'Connect: the account, when the token does not say' })
  account?: string;
  @ApiPropertyOptional() pollIntervalSeconds?: number;
  @ApiPropertyOptional({ description: 'Events API only' }) maxRequestsPerMinute?: number;
  @ApiPropertyOptional({ description: 'Events API only: RFC 3339' }) startTime?: string;
}

/** The body of PATCH /api/v1/sources/:name: any field but name and kind; null restores a default. */
export class UpdateSourceDto {
  @ApiPropertyOptional() url?: string;
  @ApiPropertyOptional({ description: 'Write-only; stored encrypted' }) token?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) account?: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) pollIntervalSeconds?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) maxRequestsPerMinute?: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) startTime?: string | null;
}

export function toNamedSourceDto(summary: SourceSummary, now = Date.now()): NamedSourceDto {
  const streams = summary.streams.map((stream) => toSourceDto(stream, now));
  return {
    name: summary.name,
    kind: summary.kind,
    origin: summary.origin,
    url: summary.url,
    accountId:
      streams.find((stream) => stream.accountId !== null)?.accountId ??
      summary.account?.toUpperCase() ??
      null,
    tokenSet: true,
    tokenLast4: summary.tokenLast4,
    pollIntervalSeconds: summary.pollIntervalMs / 1000,
    maxRequestsPerMinute: summary.maxRequestsPerMinute,
    startTime: iso(summary.startTime),
    streams,
  };
}
