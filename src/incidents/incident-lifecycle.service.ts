import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { AlertsService } from './alerts.service';
import { CHANGE_OF, LifecycleAction, transition } from './incident-transitions';
import { IncidentsRepository } from './incidents.repository';

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
    private readonly repository: IncidentsRepository,
    private readonly alerts: AlertsService,
  ) {}

  async apply(id: string, action: LifecycleAction, request: LifecycleRequest): Promise<void> {
    const now = new Date();
    if (!/^\d{1,18}$/.test(id)) throw new NotFoundException(`incident ${id} does not exist`);
    if (action === 'snooze') validateSnooze(request.until, now);
    const changeId = await this.repository.transaction(async (manager) => {
      const incident = await this.repository.lock(manager, id);
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
        const open = await this.repository.findOpenIdByKey(manager, incident.dedupKey);
        if (open !== null) {
          throw new ConflictException({
            error: 'Conflict',
            message: `incident ${id} cannot be reopened: incident ${open} is open for the same rule and key`,
            details: { status: incident.status },
          });
        }
      }
      await this.repository.applyTransition(manager, id, {
        action,
        to: next.to,
        at: now,
        by: request.by,
        snoozedUntil: action === 'snooze' ? (request.until ?? null) : null,
      });
      // Channels that never heard of a muted incident are not told of its lifecycle either.
      const notify = incident.lastNotifiedAt !== null;
      const change = await this.repository.recordChange(manager, {
        incidentId: id,
        kind: CHANGE_OF[action],
        by: request.by,
        byKeyId: request.byKeyId,
        note: request.note,
        details: {
          from: incident.status,
          ...(request.until ? { until: request.until.toISOString() } : {}),
        },
        notify,
        mutedReason: notify ? null : 'never notified',
      });
      return notify ? change : null;
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
