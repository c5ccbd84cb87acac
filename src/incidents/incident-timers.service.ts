import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { runPeriodically } from '../common/periodic';
import { RulesService } from '../rules/rules.service';
import { AlertsService } from './alerts.service';
import { IncidentsRepository } from './incidents.repository';

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
    private readonly repository: IncidentsRepository,
    private readonly rules: RulesService,
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
    const woken = await this.repository.wakeSnoozed(now);
    return woken.filter((change) => change.notify).map((change) => change.changeId);
  }

  /** A reminder falls due after the repeat interval of the incident's rule. */
  private async remind(now: Date): Promise<string[]> {
    const rules = await this.rules.findByIds(await this.repository.rulesAwaitingReminder());
    const intervals = new Map(
      [...rules.values()].map((rule) => [
        rule.id,
        rule.repeatIntervalSeconds ?? DEFAULT_REPEAT_INTERVAL_SECONDS,
      ]),
    );
    return this.repository.claimReminders(now, intervals);
  }
}
