import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsDate,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { AsDate, AsNumber } from '../common/typed-fields';
import { ACCOUNT_ID, ACCOUNT_ID_EXAMPLE, ACCOUNT_ID_REASON } from '../config/account-id';
import { SEVERITIES } from '../rules/engine/rule-definition';

const STATUSES = ['triggered', 'acknowledged', 'snoozed', 'resolved'] as const;

export class ListIncidentsQueryDto {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES, { message: `status must be one of ${STATUSES.join(', ')}` })
  status?: (typeof STATUSES)[number];

  @ApiPropertyOptional({ enum: SEVERITIES, description: 'This severity and above' })
  @IsOptional()
  @IsIn(SEVERITIES, { message: `severity must be one of ${SEVERITIES.join(', ')}` })
  severity?: (typeof SEVERITIES)[number];

  @ApiPropertyOptional({ description: 'Actor id (user uuid or Connect token id)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({
    description: '1Password account id (26 upper-case letters and digits): its incidents only',
    example: ACCOUNT_ID_EXAMPLE,
  })
  @IsOptional()
  @Matches(ACCOUNT_ID, { message: ACCOUNT_ID_REASON('account') })
  account?: string;

  @ApiPropertyOptional({ description: 'Rule id' })
  @IsOptional()
  @IsUUID('all', { message: 'rule must be a rule id (uuid)' })
  rule?: string;

  @ApiPropertyOptional({ description: 'Opened at or after this time (ISO)' })
  @IsOptional()
  @AsDate()
  @IsDate({ message: 'since must be an ISO 8601 time' })
  since?: Date;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @AsNumber()
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(200)
  limit?: number;
}

export class LifecycleNoteDto {
  @ApiPropertyOptional({ description: 'Recorded in the timeline and sent with the update' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class SnoozeDto extends LifecycleNoteDto {
  @ApiProperty({ description: 'When the incident returns to triggered (at most 7 days ahead)' })
  @AsDate()
  @IsDate({ message: 'until must be an ISO 8601 time' })
  until!: Date;
}

export class IncidentSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
  @ApiProperty() ruleId!: string;
  @ApiProperty() ruleName!: string;
  @ApiProperty() groupKey!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The 1Password account of its alerts; null when their events name none',
  })
  accountId!: string | null;
  @ApiProperty({ nullable: true, type: String }) actorId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Email of a user' })
  actorLabel!: string | null;
  @ApiProperty() alertCount!: number;
  @ApiProperty() firstAlertAt!: string;
  @ApiProperty() lastAlertAt!: string;
  @ApiProperty({ nullable: true, type: String }) snoozedUntil!: string | null;
  @ApiProperty({ nullable: true, type: String }) acknowledgedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) acknowledgedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolvedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolvedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) previousIncidentId!: string | null;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class IncidentAccountsDto {
  @ApiProperty({ type: [String], description: 'Accounts that have incidents, in id order' })
  accounts!: string[];
}

export class IncidentPageDto {
  @ApiProperty({ type: [IncidentSummaryDto] }) items!: IncidentSummaryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class FieldIssueDto {
  @ApiProperty({ example: 'location.latitude' }) field!: string;
  @ApiProperty({ example: 'out of range [-90, 90]' }) reason!: string;
}

export class EvidenceEventDto {
  @ApiProperty() id!: string;
  @ApiProperty() stream!: string;
  @ApiProperty() externalId!: string;
  @ApiProperty() eventTime!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) fields!: Record<string, unknown>;
  @ApiProperty({
    type: [FieldIssueDto],
    description: 'Fields dropped, shortened or made safe when the event was stored, and why',
  })
  issues!: FieldIssueDto[];
}

export class AlertDto {
  @ApiProperty() id!: string;
  @ApiProperty() ruleVersion!: number;
  @ApiProperty() severity!: string;
  @ApiProperty() mode!: string;
  @ApiProperty({ nullable: true, type: String }) mutedReason!: string | null;
  @ApiProperty() eventTime!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() explanation!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) figures!: Record<string, unknown>;
  @ApiProperty({ type: [EvidenceEventDto] }) evidence!: EvidenceEventDto[];
}

export class TimelineEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty() kind!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Who: an API key name, slack:<user>' })
  by!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The API key that acted' })
  byKeyId!: string | null;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty() at!: string;
  @ApiProperty() notified!: boolean;
  @ApiProperty({ nullable: true, type: String }) mutedReason!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
}

export class IncidentDetailDto extends IncidentSummaryDto {
  @ApiProperty() ruleVersion!: number;
  @ApiProperty() runbook!: string;
  @ApiProperty({ type: [AlertDto] }) alerts!: AlertDto[];
  @ApiProperty({ type: [TimelineEntryDto] }) timeline!: TimelineEntryDto[];
}
