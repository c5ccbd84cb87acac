import { Injectable } from '@nestjs/common';
import { IncidentChangesService } from '../incidents/incident-changes.service';
import type { IncidentChangeKind } from '../incidents/incident-status';
import { DeliveriesRepository } from './deliveries.repository';

/** A deliveries row with its channel's name and type and the kind of change it told. */
export type LoggedDelivery = Record<string, unknown> & { change_kind?: IncidentChangeKind };

/** What was sent where, what is pending, what failed: two queries, whatever the page size. */
@Injectable()
export class DeliveryLogService {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly changes: IncidentChangesService,
  ) {}

  /** Newest first, of one incident or of all. */
  async list(incidentId: string | undefined, limit: number): Promise<LoggedDelivery[]> {
    const rows = await this.deliveries.log(incidentId, limit);
    const kinds = await this.changes.changeKinds(rows.map((row) => String(row.change_id)));
    return rows.map((row) => ({ ...row, change_kind: kinds.get(String(row.change_id)) }));
  }
}
