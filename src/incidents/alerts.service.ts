import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';
import {
  NOTIFY_QUEUE,
  ROUTE_CHANGE_JOB,
  ROUTE_JOB_OPTIONS,
  RouteChangePayload,
  routeChangeJobId,
} from '../queue/queue.contract';
import type { AlertCandidate } from '../rules/engine/evaluation';
import type { Rule } from '../rules/engine/rule-definition';
import { AlertsRepository } from './alerts.repository';
import { IncidentGroupingService } from './incident-grouping.service';

export interface Finding {
  candidate: AlertCandidate;
  rule: Rule;
  batchId: string | null;
  ingestedAt: Date;
  actorLabel: string | null;
}

/** Records what the rules found and files it into incidents. */
@Injectable()
export class AlertsService {
  private readonly logger = new Logger(AlertsService.name);

  constructor(
    private readonly repository: AlertsRepository,
    private readonly grouping: IncidentGroupingService,
    @InjectQueue(NOTIFY_QUEUE) private readonly notifyQueue: Queue<RouteChangePayload>,
  ) {}

  /**
   * In the caller's transaction: records each finding once, and files the new ones into
   * incidents. Returns the new alerts and the incident changes to route after the commit.
   */
  async record(
    manager: EntityManager,
    findings: Finding[],
    now: Date,
  ): Promise<{ alertIds: string[]; changeIds: string[] }> {
    const recorded = await this.repository.record(
      manager,
      findings.map((finding) => ({
        ...finding.candidate,
        mode: finding.rule.mode,
        batchId: finding.batchId,
      })),
    );
    const byKey = new Map(
      findings.map((finding) => [`${finding.rule.id}|${finding.candidate.fingerprint}`, finding]),
    );
    const changeIds = await this.grouping.group(
      manager,
      recorded.map((alert) => {
        const finding = byKey.get(`${alert.ruleId}|${alert.fingerprint}`)!;
        return { ...finding, alertId: alert.id };
      }),
      now,
    );
    return { alertIds: recorded.map((alert) => alert.id), changeIds };
  }

  /** After the commit: each change is routed to its channels. A failure here is swept later. */
  async routeChanges(changeIds: string[]): Promise<void> {
    if (changeIds.length === 0) return;
    try {
      await this.notifyQueue.addBulk(
        changeIds.map((changeId) => ({
          name: ROUTE_CHANGE_JOB,
          data: { changeId },
          opts: { ...ROUTE_JOB_OPTIONS, jobId: routeChangeJobId(changeId) },
        })),
      );
    } catch (error) {
      this.logger.warn(
        `Could not enqueue ${changeIds.length} incident change(s); the sweeper will: ${(error as Error).message}`,
      );
    }
  }
}
