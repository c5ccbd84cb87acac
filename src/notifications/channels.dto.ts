import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { OptionalField } from '../common/optional-field';
import { SEVERITIES, type Severity } from '../rules/engine/rule-definition';
import type { ChannelEntity } from './channel.entity';
import { DELIVERY_ERROR_CLASSES, type DeliveryErrorClass } from './channels/channel';
import { CHANNEL_TYPES, type ChannelType } from './channels/channel-registry';
import type { ChannelField } from './channels/channel-settings';

/** A channel's name: shown in the console and the delivery log, so never blank. */
function ChannelName(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Matches(/\S/, { message: 'name must not be blank' }),
    MaxLength(100),
  );
}

/** What creating and updating share; the name is required on one and optional on the other. */
class ChannelFieldsDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The fields of the type that are not secret: see GET /api/v1/channels/types',
  })
  @OptionalField()
  @IsObject()
  settings?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Write-only: the secret fields of the type (GET /api/v1/channels/types). Those not sent on update are kept, unless the destination changes.',
  })
  @OptionalField()
  @IsObject()
  secrets?: Record<string, string>;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @OptionalField()
  @IsIn(SEVERITIES, { message: `minSeverity must be one of ${SEVERITIES.join(', ')}` })
  minSeverity?: Severity;

  @ApiPropertyOptional({ type: [String], description: 'Only these rules (empty: all)' })
  @OptionalField()
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true, message: 'ruleIds must hold rule ids (uuid)' })
  ruleIds?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Only rules with one of these tags' })
  @OptionalField()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  tags?: string[];

  @ApiPropertyOptional()
  @OptionalField()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateChannelDto extends ChannelFieldsDto {
  @ApiPropertyOptional()
  @OptionalField()
  @ChannelName()
  name?: string;
}

export class CreateChannelDto extends ChannelFieldsDto {
  @ApiProperty()
  @ChannelName()
  name!: string;

  @ApiProperty({ enum: CHANNEL_TYPES })
  @IsIn(CHANNEL_TYPES, { message: `type must be one of ${CHANNEL_TYPES.join(', ')}` })
  type!: ChannelType;
}

export class ChannelDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: CHANNEL_TYPES }) type!: string;
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

/** `secretFields` of the channel's type are never shown, even if a setting holds one. */
export const toChannelDto = (channel: ChannelEntity, secretFields: string[]): ChannelDto => ({
  id: channel.id,
  name: channel.name,
  type: channel.type,
  settings: Object.fromEntries(
    Object.entries(channel.settings).filter(([name]) => !secretFields.includes(name)),
  ),
  secretsSet: Object.keys(channel.secrets).sort(),
  minSeverity: channel.minSeverity,
  ruleIds: channel.ruleIds,
  tags: channel.tags,
  enabled: channel.enabled,
  managedByEnv: channel.managedByEnv,
  createdAt: channel.createdAt.toISOString(),
  updatedAt: channel.updatedAt.toISOString(),
});

export class ChannelFieldDto implements ChannelField {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Sent under secrets, write-only' }) secret!: boolean;
  @ApiProperty() required!: boolean;
  @ApiProperty({ description: 'A list of strings' }) list!: boolean;
}

export class ChannelTypeDto {
  @ApiProperty({ enum: CHANNEL_TYPES }) type!: ChannelType;
  @ApiProperty({ type: [ChannelFieldDto] }) fields!: ChannelFieldDto[];
}

export class ChannelTestResultDto {
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional() providerRef?: string;
  @ApiPropertyOptional({
    enum: DELIVERY_ERROR_CLASSES,
    description: "What kind of failure (never the peer's own message)",
  })
  error?: DeliveryErrorClass;
}
