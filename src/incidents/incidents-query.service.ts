import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { toDetectEvent } from '../events/detect-event.mapper';
import type { EventRow } from '../events/events.repository';
import { EventsService } from '../events/events.service';
import { SEVERITIES, type Rule } from '../rules/engine/rule-definition';
import { RulesService } from '../rules/rules.service';
import { IncidentsQueryRepository, type Row } from './incidents-query.repository';
import type {
  AlertDto,
  EvidenceEventDto,
  IncidentAccountsDto,
  IncidentDetailDto,
  IncidentPageDto,
  IncidentSummaryDto,
  ListIncidentsQueryDto,
  TimelineEntryDto,
} from './incidents.dto';

const EVIDENCE_PER_ALERT = 100;
const ALERTS_SHOWN = 200;

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : null);
const str = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : null;

/** Reads incidents for the API: newest first, keyset-paginated, with their evidence. */
@Injectable()
export class IncidentsQueryService {
  constructor(
    private readonly repository: IncidentsQueryRepository,
    private readonly rules: RulesService,
    private readonly events: EventsService,
  ) {}

  async list(query: ListIncidentsQueryDto): Promise<IncidentPageDto> {
    const limit = query.limit ?? 50;
    const rows = await this.repository.list({
      status: query.status,
      severities: query.severity ? SEVERITIES.slice(SEVERITIES.indexOf(query.severity)) : undefined,
      actor: query.actor,
      accountId: query.account,
      ruleId: query.rule,
      since: query.since,
      beforeId: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const rules = await this.rules.findByIdsForListing(page.map((row) => String(row.rule_id)));
    return {
      items: page.map((row) => toSummary(row, rules.get(String(row.rule_id)))),
      nextCursor: rows.length > limit ? encodeCursor(String(last.id)) : null,
    };
  }

  async accounts(): Promise<IncidentAccountsDto> {
    return { accounts: await this.repository.accounts() };
  }

  async get(id: string): Promise<IncidentDetailDto> {
    if (!/^\d{1,18}$/.test(id)) throw new BadRequestException('id: must be an incident number');
    const incident = await this.repository.find(id);
    if (!incident) throw new NotFoundException(`incident ${id} does not exist`);
    const ruleId = String(incident.rule_id);
    const rule = (await this.rules.findByIds([ruleId])).get(ruleId);
    const alerts = await this.repository.latestAlerts(id, ALERTS_SHOWN);
    const evidenceIds = [
      ...new Set(
        alerts.flatMap((alert) =>
          (alert.evidence_event_ids as string[]).slice(0, EVIDENCE_PER_ALERT).map(String),
        ),
      ),
    ];
    const events = await this.events.findEvidence(evidenceIds);
    const eventsById = new Map(events.map((row) => [row.id, row]));
    const timeline = await this.repository.timeline(id);
    return {
      ...toSummary(incident, rule),
      ruleVersion: Number(rule?.version),
      runbook: rule?.runbook ?? '',
      alerts: alerts.map((alert) => toAlert(alert, eventsById)),
      timeline: timeline.map(toTimelineEntry),
    };
  }
}

function toSummary(row: Row, rule: Rule | undefined): IncidentSummaryDto {
  return {
    id: String(row.id),
    title: String(row.title),
    status: String(row.status),
    severity: String(row.severity),
    ruleId: String(row.rule_id),
    ruleName: String(rule?.name),
    groupKey: String(row.group_key),
    accountId: str(row.account_id),
    actorId: str(row.actor_id),
    actorLabel: str(row.actor_label),
    alertCount: Number(row.alert_count),
    firstAlertAt: iso(row.first_alert_at)!,
    lastAlertAt: iso(row.last_alert_at)!,
    snoozedUntil: iso(row.snoozed_until),
    acknowledgedBy: str(row.acknowledged_by),
    acknowledgedAt: iso(row.acknowledged_at),
    resolvedBy: str(row.resolved_by),
    resolvedAt: iso(row.resolved_at),
    previousIncidentId: str(row.previous_incident_id),
    tags: row.tags as string[],
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

function toAlert(row: Row, events: Map<string, EventRow>): AlertDto {
  const evidence = (row.evidence_event_ids as string[])
    .slice(0, EVIDENCE_PER_ALERT)
    .map((id) => events.get(id))
    .filter((event): event is EventRow => event !== undefined)
    .map((event) => {
      const { id, stream, externalId, eventTime, ...fields } = toDetectEvent(event);
      return {
        id,
        stream,
        externalId,
        eventTime: eventTime.toISOString(),
        fields: withoutRaw(fields),
        issues: (event.issues as EvidenceEventDto['issues'] | null) ?? [],
      };
    });
  return {
    id: String(row.id),
    ruleVersion: Number(row.rule_version),
    severity: String(row.severity),
    mode: String(row.mode),
    mutedReason: str(row.muted_reason),
    eventTime: iso(row.event_time)!,
    createdAt: iso(row.created_at)!,
    explanation: String(row.explanation),
    figures: row.figures as Record<string, unknown>,
    evidence,
  };
}

/** Evidence shows the normalized fields; the raw copy stays in the database. */
function withoutRaw(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => name !== 'raw'));
}

function toTimelineEntry(row: Row): TimelineEntryDto {
  return {
    id: String(row.id),
    kind: String(row.kind),
    by: str(row.by),
    byKeyId: str(row.by_key_id),
    note: str(row.note),
    at: iso(row.created_at)!,
    notified: Boolean(row.notify),
    mutedReason: str(row.muted_reason),
    details: row.details as Record<string, unknown>,
  };
}

function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify({ before: id })).toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const { before } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      before?: unknown;
    };
    if (typeof before === 'string' && /^\d{1,18}$/.test(before)) return before;
  } catch {
    // reported below
  }
  throw new BadRequestException('cursor: not a cursor this API returned');
}
