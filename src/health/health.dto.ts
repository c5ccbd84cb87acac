import { ApiProperty } from '@nestjs/swagger';
import type { CheckResult } from './probe';

/** What /health answers: 200 with status ok, or 503 with status error. */
export interface HealthReport {
  status: 'ok' | 'error';
  /** Where the queues are: Redis, or the PostgreSQL database itself. */
  queueBackend: 'redis' | 'postgres';
  /** `redis` only when the queues are on Redis. */
  checks: { database: CheckResult; redis?: CheckResult };
}

export class CheckResultDto implements CheckResult {
  @ApiProperty({ enum: ['up', 'down'] })
  status!: 'up' | 'down';

  @ApiProperty({ required: false, example: 'timed out after 1000ms' })
  reason?: string;
}

export class HealthChecksDto {
  @ApiProperty({ type: CheckResultDto })
  database!: CheckResultDto;

  @ApiProperty({
    type: CheckResultDto,
    required: false,
    description: 'Only with the Redis queue backend',
  })
  redis?: CheckResultDto;
}

/** OpenAPI description of HealthReport. */
export class HealthReportDto implements HealthReport {
  @ApiProperty({ enum: ['ok', 'error'] })
  status!: 'ok' | 'error';

  @ApiProperty({ enum: ['redis', 'postgres'] })
  queueBackend!: 'redis' | 'postgres';

  @ApiProperty({ type: HealthChecksDto })
  checks!: HealthChecksDto;
}
