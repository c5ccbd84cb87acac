import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { runPeriodically } from '../common/periodic';
import { AlertsService } from './alerts.service';

/** Unacknowledged incidents are told again this often, unless their rule says otherwise. */
export const DEFAULT_REPEAT_INTERVAL_SECONDS = 4 * 3600;
const TICK_MS = 5000;

/**
 * Time-driven changes: a snooze that runs out sends the incident back to triggered and
 * notifies again; a triggered incident nobody acknowledged is reminded every repeat interval.
 * Each row is claimed by one UPDATE, so several workers never remind twice.
 */
@Injectable()
export class IncidentTimersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(IncidentTimersService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: SchedulerRegistry,
    private readonly alerts: AlertsService,
  ) {}

  onApplicationBootstrap(): void {
    runPeriodically(
      this.registry,
      'incident-timers',
      TICK_MS,
      () => this.tick().then(),
      this.logger,
    );
  }

  async tick(now = new Date()): Promise<string[]> {
    const changeIds = [...(await this.wakeSnoozed(now)), ...(await this.remind(now))];
    await this.alerts.routeChanges(changeIds);
    return changeIds;
  }

  private async wakeSnoozed(now: Date): Promise<string[]> {
    const rows: Array<{ id: string; notify: boolean }> = await this.dataSource.query(
      `WITH woken AS (
         UPDATE incidents SET status = 'triggered', snoozed_until = NULL, updated_at = $1,
           last_notified_at = CASE WHEN last_notified_at IS NULL THEN NULL ELSE $1 END
         WHERE status = 'snoozed' AND snoozed_until <= $1
         RETURNING id, last_notified_at IS NOT NULL AS notify)
       INSERT INTO incident_changes (incident_id, kind, by, details, notify)
       SELECT id, 'unsnoozed', 'vaultwatch', '{}', notify FROM woken
       RETURNING id, notify`,
      [now],
    );
    return rows.filter((row) => row.notify).map((row) => row.id);
  }

  private async remind(now: Date): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `WITH due AS (
         UPDATE incidents i SET last_notified_at = $1
         FROM rules r
         WHERE r.id = i.rule_id AND i.status = 'triggered' AND i.last_notified_at IS NOT NULL
           AND i.last_notified_at <= $1::timestamptz - make_interval(secs =>
             COALESCE((r.definition->>'repeatIntervalSeconds')::int, $2))
         RETURNING i.id)
       INSERT INTO incident_changes (incident_id, kind, by, details, notify)
       SELECT id, 'reminder', 'vaultwatch', '{}', true FROM due
       RETURNING id`,
      [now, DEFAULT_REPEAT_INTERVAL_SECONDS],
    );
    return rows.map((row) => row.id);
  }
}
