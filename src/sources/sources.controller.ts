import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Patch,
  Post,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RequireRole } from '../auth/require-role.decorator';
import { SourceCatalogService } from './source-catalog.service';
import {
  CreateSourceDto,
  NamedSourceDto,
  SourceDto,
  toNamedSourceDto,
  toSourceDto,
  UpdateSourceDto,
} from './sources.dto';
import { SourcesRepository } from './sources.repository';

/**
 * The named sources and their streams. Bodies are checked by the same schema as the sources
 * file (config/source-definition.ts), so its 400s name the field; tokens are write-only.
 */
@ApiTags('sources')
@ApiBearerAuth()
@Controller('api/v1/sources')
export class SourcesController {
  constructor(
    private readonly sources: SourcesRepository,
    private readonly catalog: SourceCatalogService,
  ) {}

  @Get()
  @RequireRole('viewer')
  @ApiOkResponse({ type: [NamedSourceDto] })
  async list(): Promise<NamedSourceDto[]> {
    return (await this.catalog.describe()).map((summary) => toNamedSourceDto(summary));
  }

  /** One stream, by its id (`events:item_usage`, `connect:acme:activity`). */
  @Get(':id')
  @RequireRole('viewer')
  @ApiOkResponse({ type: SourceDto })
  async get(@Param('id') id: string): Promise<SourceDto> {
    const source = await this.sources.find(id);
    if (!source) throw new NotFoundException(`source ${id} does not exist`);
    return toSourceDto(source);
  }

  @Post()
  @RequireRole('admin')
  @ApiBody({ type: CreateSourceDto })
  @ApiCreatedResponse({ type: NamedSourceDto })
  async create(@Body() body: unknown): Promise<NamedSourceDto> {
    return toNamedSourceDto(await this.catalog.create(body));
  }

  @Patch(':name')
  @RequireRole('admin')
  @ApiBody({ type: UpdateSourceDto })
  @ApiOkResponse({ type: NamedSourceDto })
  async update(@Param('name') name: string, @Body() body: unknown): Promise<NamedSourceDto> {
    return toNamedSourceDto(await this.catalog.update(name, body));
  }

  @Delete(':name')
  @RequireRole('admin')
  @HttpCode(204)
  async remove(@Param('name') name: string): Promise<void> {
    await this.catalog.remove(name);
  }
}
