import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { IncidentStatus } from './incident-status';
import { AlertsService } from './alerts.service';
import { CHANGE_OF, LifecycleAction, transition } from './incident-transitions';

export const MAX_SNOOZE_MS = 7 * 86_400_000;

export interface LifecycleRequest {
  /** Who acted, by name: an API key's name or `slack:<user>`. */
  by: string;
  /** The API key that acted, when one did. */
  byKeyId?: string | null;
  note?: string | null;
  until?: Date;
}

/**
 * Acknowledge, resolve, reopen and snooze, each recorded in the incident's timeline with who
 * and when, and told to the channels that were told about the incident.
 */
@Injectable()
export class IncidentLifecycleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly alerts: AlertsService,
  ) {}

  async apply(id: string, action: LifecycleAction, request: LifecycleRequest): Promise<void> {
    const now = new Date();
    if (!/^\d{1,18}$/.test(id)) throw new NotFoundException(`incident ${id} does not exist`);
    if (action === 'snooze') validateSnooze(request.until, now);
    const changeId = await this.dataSource.transaction(async (manager) => {
      const rows: Array<{
        status: IncidentStatus;
        dedup_key: string;
        last_notified_at: Date | null;
      }> = await manager.query(
        `SELECT status, dedup_key, last_notified_at FROM incidents WHERE id = $1 FOR UPDATE`,
        [id],
      );
      const incident = rows.at(0);
      if (!incident) throw new NotFoundException(`incident ${id} does not exist`);
      const next = transition(action, incident.status);
      if (!next.ok) {
        throw new ConflictException({
          error: 'Conflict',
          message: `incident ${id} is ${incident.status}: it cannot be ${pastTense(action)}`,
          details: { status: incident.status },
        });
      }
      if (action === 'reopen' && incident.status === 'resolved') {
        const open: unknown[] = await manager.query(
          `SELECT id FROM incidents WHERE dedup_key = $1 AND status <> 'resolved'`,
          [incident.dedup_key],
        );
        if (open.length) {
          throw new ConflictException({
            error: 'Conflict',
            message: `incident ${id} cannot be reopened: incident ${(open[0] as { id: string }).id} is open for the same rule and key`,
            details: { status: incident.status },
          });
        }
      }
      await manager.query(
        `UPDATE incidents SET status = $2, updated_at = $3,
           acknowledged_by = CASE WHEN $4 = 'acknowledge' THEN $5 ELSE acknowledged_by END,
           acknowledged_at = CASE WHEN $4 = 'acknowledge' THEN $3 ELSE acknowledged_at END,
           resolved_by = CASE WHEN $4 = 'resolve' THEN $5 WHEN $4 = 'reopen' THEN NULL ELSE resolved_by END,
           resolved_at = CASE WHEN $4 = 'resolve' THEN $3 WHEN $4 = 'reopen' THEN NULL ELSE resolved_at END,
           snoozed_until = $6,
           last_notified_at = CASE WHEN last_notified_at IS NULL THEN NULL ELSE $3 END
         WHERE id = $1`,
        [id, next.to, now, action, request.by, action === 'snooze' ? request.until : null],
      );
      // Channels that never heard of a muted incident are not told of its lifecycle either.
      const notify = incident.last_notified_at !== null;
      const [change]: Array<{ id: string }> = await manager.query(
        `INSERT INTO incident_changes
           (incident_id, kind, by, by_key_id, note, details, notify, muted_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [
          id,
          CHANGE_OF[action],
          request.by,
          request.byKeyId ?? null,
          request.note ?? null,
          {
            from: incident.status,
            ...(request.until ? { until: request.until.toISOString() } : {}),
          },
          notify,
          notify ? null : 'never notified',
        ],
      );
      return notify ? change.id : null;
    });
    if (changeId) await this.alerts.routeChanges([changeId]);
  }
}

function validateSnooze(until: Date | undefined, now: Date): void {
  if (!until) throw new BadRequestException('until: required to snooze');
  if (until.getTime() <= now.getTime())
    throw new BadRequestException('until: must be in the future');
  if (until.getTime() - now.getTime() > MAX_SNOOZE_MS) {
    throw new BadRequestException('until: at most 7 days from now');
  }
}

const pastTense = (action: LifecycleAction) =>
  ({ acknowledge: 'acknowledged', resolve: 'resolved', reopen: 'reopened', snooze: 'snoozed' })[
    action
  ];
