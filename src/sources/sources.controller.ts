import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/require-role.decorator';
import { SourceDto, toSourceDto } from './sources.dto';
import { SourcesRepository } from './sources.repository';

@ApiTags('sources')
@ApiBearerAuth()
@Controller('api/v1/sources')
export class SourcesController {
  constructor(private readonly sources: SourcesRepository) {}

  @Get()
  @RequireRole('viewer')
  @ApiOkResponse({ type: [SourceDto] })
  async list(): Promise<SourceDto[]> {
    return (await this.sources.list()).map((source) => toSourceDto(source));
  }

  @Get(':id')
  @RequireRole('viewer')
  @ApiOkResponse({ type: SourceDto })
  async get(@Param('id') id: string): Promise<SourceDto> {
    const source = await this.sources.find(id);
    if (!source) throw new NotFoundException(`source ${id} does not exist`);
    return toSourceDto(source);
  }
}
