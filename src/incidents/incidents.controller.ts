import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { ApiPrincipal } from '../auth/api-principal';
import { Principal } from '../auth/principal.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import { IncidentLifecycleService } from './incident-lifecycle.service';
import type { LifecycleAction } from './incident-transitions';
import {
  IncidentAccountsDto,
  IncidentDetailDto,
  IncidentPageDto,
  LifecycleNoteDto,
  ListIncidentsQueryDto,
  SnoozeDto,
} from './incidents.dto';
import { IncidentsQueryService } from './incidents-query.service';

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('api/v1/incidents')
export class IncidentsController {
  constructor(
    private readonly queries: IncidentsQueryService,
    private readonly lifecycle: IncidentLifecycleService,
  ) {}

  @Get()
  @RequireRole('viewer')
  @ApiOkResponse({ type: IncidentPageDto })
  list(@Query() query: ListIncidentsQueryDto): Promise<IncidentPageDto> {
    return this.queries.list(query);
  }

  @Get('accounts')
  @RequireRole('viewer')
  @ApiOkResponse({ type: IncidentAccountsDto })
  accounts(): Promise<IncidentAccountsDto> {
    return this.queries.accounts();
  }

  @Get(':id')
  @RequireRole('viewer')
  @ApiOkResponse({ type: IncidentDetailDto })
  get(@Param('id') id: string): Promise<IncidentDetailDto> {
    return this.queries.get(id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @RequireRole('responder')
  @ApiOkResponse({ type: IncidentDetailDto })
  acknowledge(
    @Param('id') id: string,
    @Body() body: LifecycleNoteDto,
    @Principal() who: ApiPrincipal,
  ) {
    return this.change(id, 'acknowledge', body, who);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @RequireRole('responder')
  @ApiOkResponse({ type: IncidentDetailDto })
  resolve(@Param('id') id: string, @Body() body: LifecycleNoteDto, @Principal() who: ApiPrincipal) {
    return this.change(id, 'resolve', body, who);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @RequireRole('responder')
  @ApiOkResponse({ type: IncidentDetailDto })
  reopen(@Param('id') id: string, @Body() body: LifecycleNoteDto, @Principal() who: ApiPrincipal) {
    return this.change(id, 'reopen', body, who);
  }

  @Post(':id/snooze')
  @HttpCode(200)
  @RequireRole('responder')
  @ApiOkResponse({ type: IncidentDetailDto })
  snooze(@Param('id') id: string, @Body() body: SnoozeDto, @Principal() who: ApiPrincipal) {
    return this.change(id, 'snooze', body, who, body.until);
  }

  private async change(
    id: string,
    action: LifecycleAction,
    body: LifecycleNoteDto,
    who: ApiPrincipal,
    until?: Date,
  ): Promise<IncidentDetailDto> {
    await this.queries.get(id); // 400 / 404 before anything changes
    await this.lifecycle.apply(id, action, {
      by: who.name,
      byKeyId: who.id,
      note: body.note ?? null,
      until,
    });
    return this.queries.get(id);
  }
}
