import { BadRequestException, Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { ApiPrincipal } from '../auth/api-principal';
import { Principal } from '../auth/principal.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import { ListDto, PutListDto, toListDto } from './rules.dto';
import { RulesService } from './rules.service';

const LIST_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

@ApiTags('lists')
@ApiBearerAuth()
@Controller('api/v1/lists')
export class ListsController {
  constructor(private readonly rules: RulesService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOkResponse({ type: [ListDto] })
  async all(): Promise<ListDto[]> {
    return (await this.rules.listAll()).map(toListDto);
  }

  @Get(':name')
  @RequireRole('viewer')
  @ApiOkResponse({ type: ListDto })
  async get(@Param('name') name: string): Promise<ListDto> {
    return toListDto(await this.rules.getList(listName(name)));
  }

  @Put(':name')
  @RequireRole('admin')
  @ApiOkResponse({ type: ListDto })
  async put(
    @Param('name') name: string,
    @Body() body: PutListDto,
    @Principal() who: ApiPrincipal,
  ): Promise<ListDto> {
    const list = await this.rules.putList(
      listName(name),
      body.items,
      body.description ?? '',
      who.name,
    );
    return toListDto(list);
  }
}

/** Accepts `privilegedVaults` or `@privilegedVaults`. */
function listName(raw: string): string {
  const name = raw.startsWith('@') ? raw.slice(1) : raw;
  if (!LIST_NAME.test(name)) {
    throw new BadRequestException(
      'name: a list name starts with a letter and has up to 64 letters, digits, - or _',
    );
  }
  return name;
}
