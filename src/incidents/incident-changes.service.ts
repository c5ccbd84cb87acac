import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { IncidentChangeKind } from './incident-status';
import type { ChangeToRoute, IncidentChangeView } from './incident-change';
import { IncidentsQueryRepository } from './incidents-query.repository';
import { IncidentsRepository } from './incidents.repository';

/** Incident changes as notifications see them: what to route, what to tell, what is routed. */
@Injectable()
export class IncidentChangesService {
  constructor(
    private readonly queries: IncidentsQueryRepository,
    private readonly incidents: IncidentsRepository,
  ) {}

  /** Null when the change does not exist. */
  findToRoute(changeId: string): Promise<ChangeToRoute | null> {
    return this.queries.changeToRoute(changeId);
  }

  /** The change with its incident and the explanation of its latest alert; null when unknown. */
  describeChange(changeId: string): Promise<IncidentChangeView | null> {
    return this.queries.describeChange(changeId);
  }

  changeKinds(changeIds: readonly string[]): Promise<Map<string, IncidentChangeKind>> {
    return this.queries.changeKinds(changeIds);
  }

  /** Changes to notify committed `olderThanMs` ago or more, still not routed (a crash in between). */
  findUnrouted(olderThanMs: number): Promise<string[]> {
    return this.queries.unroutedChanges(olderThanMs);
  }

  /** In the caller's transaction, the one that creates the change's deliveries. */
  markRouted(manager: EntityManager, changeId: string): Promise<void> {
    return this.incidents.markRouted(manager, changeId);
  }
}
