import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { SEVERITIES, type Severity } from '../rules/engine/rule-definition';
import type { ChannelEntity } from './channel.entity';
import {
  type ChannelType,
  DELIVERY_ERROR_CLASSES,
  type DeliveryErrorClass,
} from './channels/channel';

const TYPES = ['slack', 'email', 'webhook'] as const;

export class UpdateChannelDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'slack: {channel, apiUrl?}; email: {from, to[]}; webhook: {url}',
  })
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Write-only. slack: {token}; email: {smtpUrl}; webhook: {secret}',
  })
  @IsOptional()
  @IsObject()
  secrets?: Record<string, string>;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES, { message: `minSeverity must be one of ${SEVERITIES.join(', ')}` })
  minSeverity?: Severity;

  @ApiPropertyOptional({ type: [String], description: 'Only these rules (empty: all)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true, message: 'ruleIds must hold rule ids (uuid)' })
  ruleIds?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Only rules with one of these tags' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  tags?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class CreateChannelDto extends UpdateChannelDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  declare name: string;

  @ApiProperty({ enum: TYPES })
  @IsIn(TYPES, { message: `type must be one of ${TYPES.join(', ')}` })
  type!: ChannelType;
}

export class ChannelDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: TYPES }) type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) settings!: Record<string, unknown>;
  @ApiProperty({ type: [String], description: 'Which secrets are set (never their values)' })
  secretsSet!: string[];
  @ApiProperty({ enum: SEVERITIES }) minSeverity!: string;
  @ApiProperty({ type: [String] }) ruleIds!: string[];
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ description: 'Configured by environment variables' }) managedByEnv!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export const toChannelDto = (channel: ChannelEntity): ChannelDto => ({
  id: channel.id,
  name: channel.name,
  type: channel.type,
  settings: channel.settings,
  secretsSet: Object.keys(channel.secrets).sort(),
  minSeverity: channel.minSeverity,
  ruleIds: channel.ruleIds,
  tags: channel.tags,
  enabled: channel.enabled,
  managedByEnv: channel.managedByEnv,
  createdAt: channel.createdAt.toISOString(),
  updatedAt: channel.updatedAt.toISOString(),
});

export class ChannelTestResultDto {
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional() providerRef?: string;
  @ApiPropertyOptional({
    enum: DELIVERY_ERROR_CLASSES,
    description: "What kind of failure (never the peer's own message)",
  })
  error?: DeliveryErrorClass;
}
