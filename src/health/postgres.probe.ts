import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SingleFlight } from '../common/deadline';
import { CheckResult, runCheck } from './probe';

/** Readiness of PostgreSQL through the application's own connection pool. */
@Injectable()
export class PostgresProbe {
  private readonly flight = new SingleFlight<unknown>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  check(timeoutMs: number): Promise<CheckResult> {
    return runCheck(
      this.flight.run(() => this.dataSource.query('SELECT 1')),
      timeoutMs,
    );
  }
}
