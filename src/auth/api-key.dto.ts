import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { API_ROLES, ApiRole } from './api-role';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'grafana-readonly', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiProperty({ enum: API_ROLES, example: 'viewer' })
  @IsIn(API_ROLES, { message: `role must be one of: ${API_ROLES.join(', ')}` })
  role!: ApiRole;
}

/** An API key as listings show it: never its secret nor its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  role: ApiRole;
  prefix: string;
  active: boolean;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The answer to a creation: the only answer that ever carries the secret. */
export interface CreatedApiKeyView extends ApiKeyView {
  secret: string;
}

/** OpenAPI description of ApiKeyView. */
export class ApiKeyResponseDto implements ApiKeyView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: API_ROLES })
  role!: ApiRole;

  @ApiProperty({
    description: 'Non-secret start of the key, to recognise it',
    example: 'vw_AbCdEfGh',
  })
  prefix!: string;

  @ApiProperty()
  active!: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lastUsedAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  revokedAt!: string | null;
}

/** OpenAPI description of CreatedApiKeyView. */
export class CreatedApiKeyResponseDto extends ApiKeyResponseDto implements CreatedApiKeyView {
  @ApiProperty({
    description: 'The key itself. Shown once: store it now, it cannot be recovered.',
    example: 'vw_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg',
  })
  secret!: string;
}
