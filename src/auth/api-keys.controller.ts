import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { ApiPrincipal } from './api-principal';
import {
  ApiKeyResponseDto,
  ApiKeyView,
  CreatedApiKeyResponseDto,
  CreatedApiKeyView,
  CreateApiKeyDto,
} from './api-key.dto';
import { toApiKeyView, toCreatedApiKeyView } from './api-key.mapper';
import { ApiKeysService } from './api-keys.service';
import { Principal } from './principal.decorator';
import { RequireRole } from './require-role.decorator';

function uuidParam(): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () => new BadRequestException('id: must be a UUID'),
  });
}

@ApiTags('api-keys')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, unknown or revoked API key' })
@ApiForbiddenResponse({ description: 'The key is not an admin key' })
@RequireRole('admin')
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get()
  @ApiOkResponse({ type: [ApiKeyResponseDto] })
  async list(): Promise<ApiKeyView[]> {
    return (await this.apiKeys.list()).map(toApiKeyView);
  }

  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto, description: 'The secret is shown once' })
  async create(
    @Body() body: CreateApiKeyDto,
    @Principal() caller: ApiPrincipal,
  ): Promise<CreatedApiKeyView> {
    const { key, secret } = await this.apiKeys.create(body.name.trim(), body.role, caller);
    return toCreatedApiKeyView(key, secret);
  }

  @Delete(':id')
  @ApiOkResponse({ type: ApiKeyResponseDto, description: 'The key, now revoked' })
  @ApiNotFoundResponse({ description: 'No such key' })
  @ApiConflictResponse({ description: 'It is the last active admin key' })
  async revoke(
    @Param('id', uuidParam()) id: string,
    @Principal() caller: ApiPrincipal,
  ): Promise<ApiKeyView> {
    return toApiKeyView(await this.apiKeys.revoke(id, caller));
  }
}
