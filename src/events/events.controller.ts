import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Post,
  Query,
  Req,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequireRole } from '../auth/require-role.decorator';
import { PushQueryDto, PushResultDto } from './events.dto';
import { PUSH_CONTENT_TYPES } from './push-body';
import { PushService } from './push.service';

@ApiTags('events')
@ApiBearerAuth()
@Controller('api/v1/events')
export class EventsController {
  constructor(private readonly pushService: PushService) {}

  @Post()
  @HttpCode(200)
  @RequireRole('admin')
  @ApiBody({
    description:
      'Objects as the 1Password APIs return them: a JSON array, an Events API page, or NDJSON (application/x-ndjson)',
    schema: { type: 'array', items: { type: 'object' } },
  })
  @ApiOkResponse({ type: PushResultDto })
  async push(
    @Req() request: Request,
    @Body() body: unknown,
    @Query() query: PushQueryDto,
  ): Promise<PushResultDto> {
    // A body of another type was left unread by the parsers: say so rather than "empty".
    if (request.is(PUSH_CONTENT_TYPES) === false) {
      throw new UnsupportedMediaTypeException(
        `content-type: expected ${PUSH_CONTENT_TYPES.join(', ')}`,
      );
    }
    if (body === undefined || body === null || body === '' || isEmptyObject(body)) {
      throw new BadRequestException(
        'body: expected a JSON array of events, an Events API page, or NDJSON lines',
      );
    }
    return this.pushService.push(body, query.stream);
  }
}

const isEmptyObject = (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length === 0;
