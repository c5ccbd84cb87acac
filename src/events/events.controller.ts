import { BadRequestException, Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/require-role.decorator';
import { PushQueryDto, PushResultDto } from './events.dto';
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
  async push(@Body() body: unknown, @Query() query: PushQueryDto): Promise<PushResultDto> {
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
