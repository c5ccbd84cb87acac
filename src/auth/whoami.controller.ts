import { Controller, Get } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { ApiPrincipal } from './api-principal';
import { API_ROLES, type ApiRole } from './api-role';
import { Principal } from './principal.decorator';
import { RequireRole } from './require-role.decorator';

export class CallerDto {
  @ApiProperty({ description: 'Name of the API key' }) name!: string;
  @ApiProperty({ enum: API_ROLES }) role!: ApiRole;
}

/** Tells a caller which key it holds, so that a client shows only what that role may do. */
@ApiTags('auth')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, unknown or revoked API key' })
@Controller('api/v1/auth')
export class WhoAmIController {
  @Get('me')
  @RequireRole('viewer')
  @ApiOkResponse({ type: CallerDto })
  me(@Principal() caller: ApiPrincipal): CallerDto {
    return { name: caller.name, role: caller.role };
  }
}
