import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { ApiPrincipal } from '../auth/api-principal';
import { Principal } from '../auth/principal.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import { CreateSilenceDto, SilenceDto } from './silences.dto';
import { SilencesService } from './silences.service';

@ApiTags('silences')
@ApiBearerAuth()
@Controller('api/v1/silences')
export class SilencesController {
  constructor(private readonly silences: SilencesService) {}

  @Get()
  @RequireRole('responder')
  @ApiOkResponse({ type: [SilenceDto] })
  list(): Promise<SilenceDto[]> {
    return this.silences.list();
  }

  @Post()
  @RequireRole('responder')
  @ApiOkResponse({ type: SilenceDto })
  create(@Body() body: CreateSilenceDto, @Principal() who: ApiPrincipal): Promise<SilenceDto> {
    return this.silences.create(body, who);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireRole('responder')
  async expire(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.silences.expire(id);
  }
}
