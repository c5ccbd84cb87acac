import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDate,
  IsDefined,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { AsDate } from '../common/typed-fields';
import { ACCOUNT_ID, ACCOUNT_ID_EXAMPLE, ACCOUNT_ID_REASON } from '../config/account-id';
import { SEVERITIES, type Severity } from '../rules/engine/rule-definition';

export class SilenceMatchersDto {
  @ApiPropertyOptional({ type: [String], description: 'Rule ids or names' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  rules?: string[];

  @ApiPropertyOptional({ enum: SEVERITIES, isArray: true })
  @IsOptional()
  @IsArray()
  @IsIn(SEVERITIES, { each: true, message: `severities must be among ${SEVERITIES.join(', ')}` })
  severities?: Severity[];

  @ApiPropertyOptional({ type: [String], description: 'Actor ids or emails' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  actors?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Rule tags (any of them)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  tags?: string[];

  @ApiPropertyOptional({
    type: [String],
    description: '1Password account ids (26 upper-case letters and digits)',
    example: [ACCOUNT_ID_EXAMPLE],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(ACCOUNT_ID, { each: true, message: ACCOUNT_ID_REASON('each of accounts') })
  accounts?: string[];
}

export class CreateSilenceDto {
  @ApiProperty({ type: SilenceMatchersDto })
  @IsDefined({ message: 'matchers: required' })
  @IsObject({ message: 'matchers must be an object of lists' })
  @ValidateNested()
  @Type(() => SilenceMatchersDto)
  matchers!: SilenceMatchersDto;

  @ApiPropertyOptional({ description: 'Default now' })
  @IsOptional()
  @AsDate()
  @IsDate({ message: 'startsAt must be an ISO 8601 time' })
  startsAt?: Date;

  @ApiProperty({ description: 'Mandatory: when the silence ends (at most 30 days ahead)' })
  @AsDate()
  @IsDate({ message: 'endsAt must be an ISO 8601 time' })
  endsAt!: Date;

  @ApiProperty({ description: 'Why: mandatory' })
  @IsString()
  @IsNotEmpty({ message: 'comment must not be empty' })
  @MaxLength(2000)
  comment!: string;
}

export class SilenceDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: SilenceMatchersDto }) matchers!: SilenceMatchersDto;
  @ApiProperty() startsAt!: string;
  @ApiProperty() endsAt!: string;
  @ApiProperty() comment!: string;
  @ApiProperty({ description: 'Name of the API key that created it' }) createdBy!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Id of that API key' })
  createdByKeyId!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() active!: boolean;
}
