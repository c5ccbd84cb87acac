import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/require-role.decorator';
import type { ChannelEntity } from './channel.entity';
import { ChannelTestService } from './channel-test.service';
import { ChannelRegistry } from './channels/channel-registry';
import {
  ChannelDto,
  ChannelTestResultDto,
  ChannelTypeDto,
  CreateChannelDto,
  toChannelDto,
  UpdateChannelDto,
} from './channels.dto';
import { ChannelsService } from './channels.service';

@ApiTags('channels')
@ApiBearerAuth()
@Controller('api/v1/channels')
@RequireRole('admin')
export class ChannelsController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly tester: ChannelTestService,
    private readonly registry: ChannelRegistry,
  ) {}

  @Get()
  @ApiOkResponse({ type: [ChannelDto] })
  async list(): Promise<ChannelDto[]> {
    return (await this.channels.list()).map((channel) => this.toDto(channel));
  }

  /** The channel types this version knows and the fields each takes. */
  @Get('types')
  @ApiOkResponse({ type: [ChannelTypeDto] })
  types(): ChannelTypeDto[] {
    return this.registry.types.map((type) => ({ type, fields: this.registry.fields(type) }));
  }

  @Get(':id')
  @ApiOkResponse({ type: ChannelDto })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<ChannelDto> {
    return this.toDto(await this.channels.get(id));
  }

  @Post()
  @ApiOkResponse({ type: ChannelDto })
  async create(@Body() body: CreateChannelDto): Promise<ChannelDto> {
    return this.toDto(await this.channels.create(body));
  }

  @Patch(':id')
  @ApiOkResponse({ type: ChannelDto })
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateChannelDto,
  ): Promise<ChannelDto> {
    return this.toDto(await this.channels.update(id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.channels.remove(id);
  }

  /** Sends a test message now, outside the queue, and says what happened. */
  @Post(':id/test')
  @HttpCode(200)
  @ApiOkResponse({ type: ChannelTestResultDto })
  test(@Param('id', ParseUUIDPipe) id: string): Promise<ChannelTestResultDto> {
    return this.tester.test(id);
  }

  private toDto(channel: ChannelEntity): ChannelDto {
    return toChannelDto(channel, this.registry.secretFields(channel.type));
  }
}
