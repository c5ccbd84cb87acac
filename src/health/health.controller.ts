import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import { HealthReport, HealthReportDto } from './health.dto';
import { HealthService } from './health.service';

/** The part of the HTTP response this controller touches. */
interface StatusResponse {
  status(code: number): unknown;
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness (it answers) and readiness (PostgreSQL, and Redis when the queues use it, answer in time). */
  @Get()
  @ApiOkResponse({ type: HealthReportDto, description: 'Ready' })
  @ApiServiceUnavailableResponse({ type: HealthReportDto, description: 'A dependency is down' })
  async check(@Res({ passthrough: true }) response: StatusResponse): Promise<HealthReport> {
    const report = await this.health.report();
    response.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
