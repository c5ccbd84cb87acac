import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { AsNumber } from '../common/typed-fields';
import { ACCOUNT_ID, ACCOUNT_ID_EXAMPLE, ACCOUNT_ID_REASON } from '../config/account-id';
import { BASELINE_DIMENSIONS, ENTITY_TYPES, type EntityType } from './baseline-snapshot';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export class ListBaselinesQueryDto {
  @ApiPropertyOptional({
    description: 'Only entities whose id or label (email, name) starts with this, any case',
    maxLength: 320,
  })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  actor?: string;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @AsNumber()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}

export class ActorQueryDto {
  @ApiPropertyOptional({
    enum: ENTITY_TYPES,
    description: 'Which entity, when a Connect token and a Connect server share the id',
  })
  @IsOptional()
  @IsIn(ENTITY_TYPES, { message: `type must be one of ${ENTITY_TYPES.join(', ')}` })
  type?: EntityType;

  @ApiPropertyOptional({
    description: 'Which account, when the same id is known in several 1Password accounts',
    example: ACCOUNT_ID_EXAMPLE,
  })
  @IsOptional()
  @Matches(ACCOUNT_ID, { message: ACCOUNT_ID_REASON('account') })
  account?: string;
}

export class TopValueDto {
  @ApiProperty() value!: string;
  @ApiProperty() count!: number;
}

export class MaturityDto {
  @ApiProperty({
    enum: ['learning', 'mature'],
    description: 'Mature after 14 days observed or 10 successful sign-ins',
  })
  state!: 'learning' | 'mature';

  @ApiProperty({ enum: ['days_observed', 'successful_signins'], nullable: true, type: String })
  reason!: 'days_observed' | 'successful_signins' | null;

  @ApiProperty({ description: 'Days since the first event' }) daysObserved!: number;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When 14 days will have been observed, while learning',
  })
  matureAt!: string | null;
}

export class LocationDto {
  @ApiProperty({ format: 'date-time', description: 'Event time of the located event' })
  at!: string;
  @ApiProperty() latitude!: number;
  @ApiProperty() longitude!: number;
  @ApiProperty({ nullable: true, type: String }) country!: string | null;
  @ApiProperty({ nullable: true, type: String }) city!: string | null;
}

export class BaselineSummaryDto {
  @ApiProperty({ enum: ENTITY_TYPES }) entityType!: EntityType;
  @ApiProperty({ description: 'User uuid, Connect token jti or Connect server id' })
  entityId!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The 1Password account of the entity; null for events that name none',
  })
  accountId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "A user's email, else name" })
  label!: string | null;
  @ApiProperty({ format: 'date-time' }) firstEventAt!: string;
  @ApiProperty({ format: 'date-time' }) lastEventAt!: string;
  @ApiProperty({ description: 'Distinct UTC days with activity' }) activeDays!: number;
  @ApiProperty() eventCount!: number;
  @ApiProperty({ description: 'Sign-in attempts of category success' })
  successfulSignins!: number;
  @ApiProperty({ type: MaturityDto }) maturity!: MaturityDto;
}

export class BaselineListItemDto extends BaselineSummaryDto {
  @ApiProperty({ type: [TopValueDto], description: 'The three most frequent countries' })
  topCountries!: TopValueDto[];
}

export class BaselinePageDto {
  @ApiProperty({ type: [BaselineListItemDto], description: 'Newest activity first' })
  items!: BaselineListItemDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Null on the last page' })
  nextCursor!: string | null;
}

export class HourOfWeekCellDto {
  @ApiProperty({ description: '0 = Monday 00:00–01:00 UTC … 167 = Sunday 23:00–24:00 UTC' })
  hourOfWeek!: number;
  @ApiProperty({ description: 'Hours of the window on this hour of the week (samples)' })
  weeks!: number;
  @ApiProperty({ nullable: true, type: Number }) mean!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Population standard deviation' })
  stdDev!: number | null;
  @ApiProperty({ nullable: true, type: Number }) median!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Median absolute deviation' })
  mad!: number | null;
}

export class ActionRateDto {
  @ApiProperty({
    description: 'The event action; sign-in attempts are signin:<category>, e.g. signin:success',
  })
  action!: string;
  @ApiProperty({ description: 'Events in the window' }) total!: number;
  @ApiProperty({ description: 'Mean events per hour over the window' }) meanPerHour!: number;
  @ApiProperty({ type: [HourOfWeekCellDto], description: '168 cells, index = hour of week' })
  hourOfWeek!: HourOfWeekCellDto[];
}

export class RateWindowDto {
  @ApiProperty({ format: 'date-time', description: 'First hour (first event, or 90 days back)' })
  from!: string;
  @ApiProperty({ format: 'date-time', description: 'Last hour (the current one)' })
  to!: string;
  @ApiProperty() hours!: number;
}

export class SeenValueDto {
  @ApiProperty() value!: string;
  @ApiProperty({ format: 'date-time' }) firstSeen!: string;
  @ApiProperty({ format: 'date-time' }) lastSeen!: string;
  @ApiProperty() count!: number;
}

export class SeenDimensionDto {
  @ApiProperty({ enum: BASELINE_DIMENSIONS }) dimension!: string;
  @ApiProperty({ description: 'Values stored for this dimension' }) total!: number;
  @ApiProperty({ description: 'Only the most frequent values are listed' }) truncated!: boolean;
  @ApiProperty({ type: [SeenValueDto], description: 'Most frequent first' })
  values!: SeenValueDto[];
}

export class BaselineDetailDto extends BaselineSummaryDto {
  @ApiProperty({ type: LocationDto, nullable: true }) lastLocation!: LocationDto | null;
  @ApiProperty({ type: RateWindowDto }) window!: RateWindowDto;
  @ApiProperty({ type: [ActionRateDto] }) actionRates!: ActionRateDto[];
  @ApiProperty({ type: [SeenDimensionDto] }) seen!: SeenDimensionDto[];
}

export class DeletedCountsDto {
  @ApiProperty() profile!: number;
  @ApiProperty() activeDays!: number;
  @ApiProperty() hourlyCounts!: number;
  @ApiProperty() seenValues!: number;
}

export class DeletedBaselineDto {
  @ApiProperty({ enum: ENTITY_TYPES }) entityType!: EntityType;
  @ApiProperty() entityId!: string;
  @ApiProperty({ nullable: true, type: String }) accountId!: string | null;
  @ApiProperty({ type: DeletedCountsDto, description: 'Rows deleted per table' })
  deleted!: DeletedCountsDto;
}
