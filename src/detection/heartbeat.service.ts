import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { runPeriodically } from '../common/periodic';
import { AlertsService } from '../incidents/alerts.service';
import { evaluateSources, judgesSources } from '../rules/engine/evaluate';
import { RulesService } from '../rules/rules.service';
import { SourcesService } from '../sources/sources.service';

const EVERY_MS = 60_000;

/**
 * Heartbeat rules judge the sources, not events: once a minute, every enabled heartbeat rule
 * looks at each source's last successful poll. A silence fires once per episode.
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap {
  private readonly logger = new Logger(HeartbeatService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rules: RulesService,
    private readonly sources: SourcesService,
    private readonly alerts: AlertsService,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    runPeriodically(this.registry, 'heartbeat-rules', EVERY_MS, () => this.check(), this.logger);
  }

  async check(now = new Date()): Promise<void> {
    const heartbeatRules = (await this.rules.detectionState()).rules.filter(judgesSources);
    if (heartbeatRules.length === 0) return;
    const sources = await this.sources.list();
    const findings = heartbeatRules.flatMap((rule) =>
      evaluateSources(rule, sources, now).map((candidate) => ({
        candidate,
        rule,
        batchId: null,
        ingestedAt: now,
        actorLabel: null,
      })),
    );
    if (findings.length === 0) return;
    const { changeIds } = await this.dataSource.transaction((manager) =>
      this.alerts.record(manager, findings, now),
    );
    await this.alerts.routeChanges(changeIds);
  }
}
