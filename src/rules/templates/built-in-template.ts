import type { RuleDefinition, Severity } from '../engine/rule-definition';
import type { BaselineSpec, EventSpec } from './fixture-data';
import { validateRuleDefinition } from '../engine/validate-rule';

export type { BaselineSpec, EventSpec } from './fixture-data';

/**
 * One worked example of a template, run through the real evaluators by the template spec
 * (and usable by a "try this template" endpoint). Event ids are assigned in storage order:
 * `before` first, then `events`, starting at 1, so an expected fingerprint can name them.
 */
export interface FixtureCase {
  name: string;
  /** Events stored before the batch: they form the history and teach the baselines. */
  before?: EventSpec[];
  /** Baselines given as data (replacing what `before` taught for the same entity). */
  baselines?: BaselineSpec[];
  /** The events judged, in storage order (judged in one batch, and one at a time). */
  events: EventSpec[];
  /** Lists as they are (name with `@` → items); lists the rule names but not given are empty. */
  lists?: Record<string, string[]>;
  /** Heartbeat templates: the sources and the time they are judged at. */
  sources?: Array<{ id: string; state: string; lastSuccessAt: string | null; createdAt: string }>;
  /** Default: an hour after the last event. */
  now?: string;
  expect: {
    alerts: number;
    severity?: Severity;
    fingerprints?: string[];
    /** Words the first alert's explanation must contain. */
    explains?: string[];
  };
}

export interface BuiltInTemplate {
  /** Stable id, e.g. `op.item.bulk_export`; a rule installed from it keeps it. */
  templateId: string;
  definition: RuleDefinition;
  /** Lists that must be filled before the rule is useful: it ships disabled until then. */
  requiresLists?: string[];
  fixtures: { positive: FixtureCase[]; negative: FixtureCase[] };
}

/** Every `@name` string anywhere in a value. */
export function listReferences(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    if (value.startsWith('@') && value.length > 1) into.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) listReferences(v, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) listReferences(v, into);
  }
  return into;
}

/**
 * A template definition written with only what differs from the defaults, filled and checked
 * by the same validation as REST input (lists it references are taken as known here; the
 * template spec checks they are among the built-in lists).
 */
export function define(input: Record<string, unknown>): RuleDefinition {
  const result = validateRuleDefinition(input, listReferences(input));
  if (!result.ok) {
    const why = result.errors.map((e) => `${e.field}: ${e.reason}`).join('; ');
    throw new Error(`built-in template '${String(input.name)}' is invalid: ${why}`);
  }
  return result.rule;
}

/** n events from `from`, `stepSeconds` apart, each built by `spec(i)`. */
export function series(
  n: number,
  from: string,
  stepSeconds: number,
  spec: Partial<EventSpec> | ((i: number) => Partial<EventSpec>),
): EventSpec[] {
  const start = Date.parse(from);
  return Array.from({ length: n }, (_, i) => ({
    ...(typeof spec === 'function' ? spec(i) : spec),
    at: new Date(start + i * stepSeconds * 1000).toISOString(),
  }));
}

/** ISO time `days` days (and optionally hours) before `iso`. */
export function daysBefore(iso: string, days: number): string {
  return new Date(Date.parse(iso) - days * 86_400_000).toISOString();
}

/** A user actor as the normalizer gives it. */
export const user = (name: string) =>
  ({
    actorType: 'user',
    actorId: `U-${name.toUpperCase()}`,
    actorEmail: `${name.toLowerCase()}@acme.example`,
  }) as const;

/** A Connect token actor (jti) on a Connect server. */
export const token = (jti: string) =>
  ({ actorType: 'connect_token', actorId: jti, connectServerId: 'srv-1' }) as const;

export const TORONTO = { city: 'Toronto', country: 'CA', latitude: 43.6532, longitude: -79.3832 };
export const MONTREAL = { city: 'Montreal', country: 'CA', latitude: 45.5017, longitude: -73.5673 };
export const VANCOUVER = {
  city: 'Vancouver',
  country: 'CA',
  latitude: 49.2827,
  longitude: -123.1207,
};
export const MOSCOW = { city: 'Moscow', country: 'RU', latitude: 55.7558, longitude: 37.6173 };
