import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import type { RuleDefinition } from './engine/rule-definition';
import { LIST_LIMITS } from './engine/rule-limits';
import { kindModule, RULE_KINDS, type RuleKind } from './kinds/registry';
import type { ListEntity } from './list.entity';
import type { RuleEntity } from './rule.entity';

export class RuleErrorDto {
  @ApiProperty() message!: string;
  @ApiProperty() at!: string;
}

export class RuleDto {
  @ApiProperty() id!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ nullable: true, type: String, description: 'Built-in template it came from' })
  templateId!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: RULE_KINDS }) kind!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: ['active', 'shadow'] }) mode!: string;
  @ApiProperty({ enum: ['info', 'low', 'medium', 'high', 'critical'] }) severity!: string;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) escalations!: unknown[];
  @ApiProperty({ type: [String] }) streams!: string[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) filter?: unknown;
  @ApiPropertyOptional({
    type: [String],
    description:
      '1Password account ids whose events the rule judges; absent: every account (and events naming none)',
  })
  accounts?: string[];
  @ApiProperty({ type: [String] }) groupBy!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) params!: unknown;
  @ApiProperty() dedupSeconds!: number;
  @ApiProperty() suppressSeconds!: number;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) allowLists!: unknown[];
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty() runbook!: string;
  @ApiProperty({ type: [String] }) channels!: string[];
  @ApiProperty({
    nullable: true,
    type: RuleErrorDto,
    description: 'The last error the rule raised judging a batch, until its next edit',
  })
  lastError!: RuleErrorDto | null;
  @ApiProperty({ description: 'Batches the rule failed to judge (the others rules judged them)' })
  failureCount!: number;
}

export class RuleKindDto {
  @ApiProperty({ enum: RULE_KINDS }) kind!: string;
  @ApiProperty({
    enum: ['events', 'sources'],
    description: "What its rules judge: stored events, or the sources' polling (heartbeat)",
  })
  judges!: string;
  @ApiProperty({ type: [String], description: 'The properties its params may hold' })
  params!: string[];
}

export const toRuleKindDto = (kind: RuleKind): RuleKindDto => {
  const { judges, params } = kindModule(kind);
  return { kind, judges, params: [...params.keys] };
};

export const toRuleDto = (rule: RuleEntity): RuleDto => ({
  ...definitionFields(rule.definition),
  id: rule.id,
  version: rule.version,
  templateId: rule.templateId,
  createdAt: rule.createdAt.toISOString(),
  updatedAt: rule.updatedAt.toISOString(),
  lastError:
    rule.lastError !== null && rule.lastErrorAt !== null
      ? { message: rule.lastError, at: rule.lastErrorAt.toISOString() }
      : null,
  failureCount: Number(rule.failureCount),
});

const definitionFields = (definition: RuleDefinition) => ({
  ...definition,
  params: definition.params as unknown,
  filter: definition.filter as unknown,
});

export class PutListDto {
  @ApiProperty({ type: [String], description: 'Values, or CIDRs for lists of networks' })
  @IsArray()
  @ArrayMaxSize(LIST_LIMITS.maxItems)
  @IsString({ each: true })
  @MaxLength(LIST_LIMITS.maxItemLength, { each: true })
  items!: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;
}

export class ListDto {
  @ApiProperty({ description: 'Referred to in rules as @name' }) name!: string;
  @ApiProperty({ type: [String] }) items!: string[];
  @ApiProperty() description!: string;
  @ApiProperty({ nullable: true, type: String }) updatedBy!: string | null;
  @ApiProperty() updatedAt!: string;
}

export const toListDto = (list: ListEntity): ListDto => ({
  name: list.name,
  items: list.items,
  description: list.description,
  updatedBy: list.updatedBy,
  updatedAt: list.updatedAt.toISOString(),
});

export class RuleTestRangeDto {
  @ApiProperty({ description: 'Start of the event-time range (ISO)' })
  @IsDateString({ strict: true }, { message: 'from must be an ISO 8601 time' })
  from!: string;

  @ApiProperty({ description: 'End of the event-time range (ISO)' })
  @IsDateString({ strict: true }, { message: 'to must be an ISO 8601 time' })
  to!: string;
}

export class RuleTestDto extends RuleTestRangeDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'An unsaved rule' })
  @IsObject({ message: 'rule must be a rule definition object' })
  rule!: unknown;
}

export class RuleTestAlertDto {
  @ApiProperty() fingerprint!: string;
  @ApiProperty() groupKey!: string;
  @ApiProperty({ enum: ['info', 'low', 'medium', 'high', 'critical'] }) severity!: string;
  @ApiProperty({ format: 'date-time' }) eventTime!: string;
  @ApiProperty({ nullable: true, type: String }) actorId!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The 1Password account of the events behind it; null when they name none',
  })
  accountId!: string | null;
  @ApiProperty({ type: [String] }) evidenceEventIds!: string[];
  @ApiProperty() explanation!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) figures!: Record<string, unknown>;
}

export class RuleTestedDto {
  @ApiProperty({ nullable: true, type: String, description: 'Null for an unsaved rule' })
  id!: string | null;
  @ApiProperty({ nullable: true, type: Number }) version!: number | null;
  @ApiProperty() name!: string;
  @ApiProperty() kind!: string;
}

export class RuleTestReplayRangeDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ format: 'date-time', description: 'Baselines are learned from here to from' })
  warmupFrom!: string;
}

export class RuleTestResultDto {
  @ApiProperty({ type: RuleTestedDto }) rule!: RuleTestedDto;
  @ApiProperty({ type: RuleTestReplayRangeDto }) range!: RuleTestReplayRangeDto;
  @ApiProperty() eventsScanned!: number;
  @ApiProperty() wouldFire!: number;
  @ApiProperty({
    description: 'More would fire than are listed: only the first alertsReturned of wouldFire',
  })
  truncated!: boolean;
  @ApiProperty({ description: 'Alerts listed (at most 500)' }) alertsReturned!: number;
  @ApiProperty({ type: [RuleTestAlertDto] }) alerts!: RuleTestAlertDto[];
}
