import {
  BadRequestException,
  ConflictException,
  Controller,
  Delete,
  Get,
  Logger,
  NotFoundException,
  Param,
  Query,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { ApiPrincipal } from '../auth/api-principal';
import { Principal } from '../auth/principal.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import {
  ActorQueryDto,
  BaselineDetailDto,
  BaselinePageDto,
  DEFAULT_PAGE_SIZE,
  DeletedBaselineDto,
  ListBaselinesQueryDto,
} from './baselines.dto';
import { toBaselineDetailDto, toBaselinePageDto, toDeletedBaselineDto } from './baselines.mapper';
import type { BaselineProfile } from './baselines-query.repository';
import { BaselinesService, InvalidCursorError } from './baselines.service';

const ACTOR_PARAM = {
  name: 'actor',
  description: 'User uuid, Connect token jti or Connect server id (any case)',
};

@ApiTags('baselines')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, unknown or revoked API key' })
@Controller('api/v1/baselines')
export class BaselinesController {
  private readonly logger = new Logger(BaselinesController.name);

  constructor(private readonly baselines: BaselinesService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOkResponse({ type: BaselinePageDto })
  @ApiBadRequestResponse({ description: 'A bad limit or a cursor this API did not return' })
  async list(@Query() query: ListBaselinesQueryDto): Promise<BaselinePageDto> {
    try {
      const page = await this.baselines.list({
        actor: query.actor,
        cursor: query.cursor,
        limit: query.limit ?? DEFAULT_PAGE_SIZE,
      });
      return toBaselinePageDto(page);
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new BadRequestException(error.message);
      throw error;
    }
  }

  @Get(':actor')
  @RequireRole('viewer')
  @ApiParam(ACTOR_PARAM)
  @ApiOkResponse({ type: BaselineDetailDto })
  @ApiNotFoundResponse({ description: 'Nothing learned about this actor' })
  @ApiConflictResponse({ description: 'Several entity types have this id: pass ?type=' })
  async get(
    @Param('actor') actor: string,
    @Query() query: ActorQueryDto,
  ): Promise<BaselineDetailDto> {
    const profile = await this.resolve(actor, query);
    return toBaselineDetailDto(await this.baselines.describe(profile));
  }

  @Delete(':actor')
  @RequireRole('admin')
  @ApiParam(ACTOR_PARAM)
  @ApiOkResponse({ type: DeletedBaselineDto, description: 'What was forgotten' })
  @ApiForbiddenResponse({ description: 'The key is not an admin key' })
  @ApiNotFoundResponse({ description: 'Nothing learned about this actor' })
  @ApiConflictResponse({ description: 'Several entity types have this id: pass ?type=' })
  async remove(
    @Param('actor') actor: string,
    @Query() query: ActorQueryDto,
    @Principal() caller: ApiPrincipal,
  ): Promise<DeletedBaselineDto> {
    const profile = await this.resolve(actor, query);
    const deleted = await this.baselines.forgetEntity(profile);
    this.logger.log(
      `API key ${caller.id} deleted the baseline of ${profile.entityType} ${profile.entityId}` +
        (profile.accountId ? ` of account ${profile.accountId}` : ''),
    );
    return toDeletedBaselineDto(profile, deleted);
  }

  private async resolve(actor: string, query: ActorQueryDto): Promise<BaselineProfile> {
    const { type, account } = query;
    const shown = actor.length > 200 ? `${actor.slice(0, 200)}…` : actor;
    const found = actor.length > 1000 ? [] : await this.baselines.findActor(actor, type, account);
    if (found.length === 0) {
      throw new NotFoundException(
        `No baseline for actor ${shown}${type ? ` of type ${type}` : ''}` +
          (account ? ` in account ${account}` : ''),
      );
    }
    if (found.length > 1) {
      const accounts = new Set(found.map((p) => p.accountId));
      const hint = accounts.size > 1 ? '?account=' : '?type=';
      const what = found.map((p) =>
        accounts.size > 1 ? `${p.entityType} in account ${p.accountId || '(none)'}` : p.entityType,
      );
      throw new ConflictException(`Actor ${shown} is ambiguous: ${what.join(', ')}; pass ${hint}`);
    }
    return found[0];
  }
}
