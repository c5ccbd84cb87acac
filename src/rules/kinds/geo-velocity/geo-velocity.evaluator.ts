import { compileRule, makeAlert, type CompiledRule } from '../../engine/compiled-rule';
import type { DetectEvent } from '../../../events/detect-event';
import type {
  AlertCandidate,
  EvaluationInput,
  HistoryNeed,
  ListSnapshot,
} from '../../engine/evaluation';
import { arrivalsOf, compareTimed, insertionIndex, type Timed } from '../../engine/event-order';
import { describePlace, formatNumber, formatDuration, who } from '../../engine/explain';
import { readField } from '../../engine/filter';
import { KeyTimes, type NeedShape } from '../../engine/key-times';
import type { Rule } from '../../engine/rule-definition';
import type { NeighbourPoint } from '../../../events/history-range';
import type { GeoVelocityParams } from './geo-velocity.params';

const EARTH_RADIUS_KM = 6371.0088;
/** Half the Earth's circumference: no two places are further apart. */
export const MAX_SURFACE_DISTANCE_KM = Math.PI * EARTH_RADIUS_KM;

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a =
    Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

interface Point extends Timed {
  lat: number;
  lon: number;
  key: string;
}

interface Group {
  /** The earliest and latest arrival of the group. */
  first: Point;
  last: Point;
  /** The nearest stored events before the first and after the last arrival. */
  before: Point | null;
  after: Point | null;
  /** Stored events within [first, last], then every point, sorted. */
  points: Point[];
}

/** Coordinates that can be trusted: in range, and not the (0, 0) that stands for "unknown". */
function hasLocation(e: DetectEvent): boolean {
  const lat = e.latitude;
  const lon = e.longitude;
  if (lat === null || lon === null || !Number.isFinite(lat) || !Number.isFinite(lon)) return false;
  return Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0);
}

function pointOf(rule: CompiledRule, e: DetectEvent): Point | null {
  const lat = e.latitude;
  const lon = e.longitude;
  if (lat === null || lon === null || !hasLocation(e)) return null;
  if (!rule.counts(e)) return null;
  const key = rule.groupKey(e);
  if (key === null) return null;
  return { e, t: e.eventTime.getTime(), lat, lon, key };
}

/**
 * Each arrival's side on its own, reaching no further than the key's arrival next to it on
 * that side: past that one, nothing stored can neighbour the arrival.
 */
function pointsBetweenArrivals(arrivals: readonly NeighbourPoint[]): NeighbourPoint[] {
  const timesByKey = new Map<string, Set<number>>();
  for (const { key, at } of arrivals) {
    const times = timesByKey.get(key) ?? new Set<number>();
    times.add(at.getTime());
    timesByKey.set(key, times);
  }
  const points: NeighbourPoint[] = [];
  for (const [key, times] of timesByKey) {
    const sorted = [...times].sort((a, b) => a - b);
    sorted.forEach((t, i) => {
      const at = new Date(t);
      const before = i > 0 ? { bound: new Date(sorted[i - 1]) } : {};
      const after = i + 1 < sorted.length ? { bound: new Date(sorted[i + 1]) } : {};
      points.push({ key, at, side: 'before', ...before });
      points.push({ key, at, side: 'after', ...after });
    });
  }
  return points;
}

/**
 * How far from the batch history is needed: beyond this gap even the longest trip on Earth is
 * slower than maxSpeedKmh, so no pair can fire.
 */
export function geoSpanMs(params: GeoVelocityParams): number {
  return Math.ceil((MAX_SURFACE_DISTANCE_KM / params.maxSpeedKmh) * 3_600_000);
}

/**
 * geo_velocity: per group key, consecutive events with coordinates (event-time order, ties by
 * id) imply travel faster than maxSpeedKmh over more than minDistanceKm; the gap is at least
 * minGapMinutes. Events are judged in the order they were stored: each new event makes up to
 * two new consecutive pairs, with the events before and after it (a late event between two
 * stored ones makes two pairs; the old pair was judged when it was consecutive). Fingerprint =
 * the pair's ids, so a pair fires once however the stream was batched.
 */
export function evaluateGeoVelocity(input: EvaluationInput): AlertCandidate[] {
  const rule = compileRule(input.rule, input.lists);
  const params = input.rule.params as GeoVelocityParams;
  const minGapMs = params.minGapMinutes * 60_000;
  const arrivals = arrivalsOf(input.batch);

  // The located counting arrivals, and per group the span they cover.
  const arriving: Point[] = [];
  const groups = new Map<string, Group>();
  for (const e of arrivals) {
    const p = pointOf(rule, e);
    if (p === null) continue;
    arriving.push(p);
    const g = groups.get(p.key);
    if (!g) groups.set(p.key, { first: p, last: p, before: null, after: null, points: [] });
    else {
      if (compareTimed(p, g.first) < 0) g.first = p;
      if (compareTimed(p, g.last) > 0) g.last = p;
    }
  }
  if (arriving.length === 0) return [];

  // Of the stored events only those that can neighbour an arrival matter: every one inside a
  // group's span, and the nearest before and after it. Scanning backwards (history comes
  // sorted by time) finds the nearest one before without testing the older ones.
  const batchIds = new Set(input.batch.map((e) => e.id));
  for (let i = input.history.length - 1; i >= 0; i--) {
    const e = input.history[i];
    if (!hasLocation(e) || batchIds.has(e.id)) continue;
    const key = rule.groupKey(e);
    const g = key === null ? undefined : groups.get(key);
    if (g === undefined) continue;
    const x: Timed = { e, t: e.eventTime.getTime() };
    if (compareTimed(x, g.first) < 0) {
      if (g.before !== null && compareTimed(x, g.before) <= 0) continue;
      const p = pointOf(rule, e);
      if (p !== null) g.before = p;
    } else if (compareTimed(x, g.last) > 0) {
      if (g.after !== null && compareTimed(x, g.after) >= 0) continue;
      const p = pointOf(rule, e);
      if (p !== null) g.after = p;
    } else {
      const p = pointOf(rule, e);
      if (p !== null) g.points.push(p);
    }
  }
  for (const g of groups.values()) {
    if (g.before) g.points.push(g.before);
    if (g.after) g.points.push(g.after);
    g.points.sort(compareTimed);
  }

  const out = new Map<string, AlertCandidate>();
  const judge = (a: Point, b: Point): void => {
    const distance = haversineKm(a.lat, a.lon, b.lat, b.lon);
    if (!(distance > params.minDistanceKm)) return;
    const gapMs = Math.max(b.t - a.t, minGapMs);
    const speed = gapMs > 0 ? distance / (gapMs / 3_600_000) : Infinity;
    if (!(speed > params.maxSpeedKmh)) return;
    const fingerprint = `${a.e.id}|${b.e.id}`;
    if (out.has(fingerprint)) return;
    out.set(fingerprint, alertFor(a, b, distance, speed));
  };

  for (const p of arriving) {
    const g = groups.get(p.key);
    if (!g) continue;
    const at = insertionIndex(g.points, p);
    if (at < g.points.length && g.points[at].e.id === p.e.id) continue;
    g.points.splice(at, 0, p);
    if (at > 0) judge(g.points[at - 1], p);
    if (at + 1 < g.points.length) judge(p, g.points[at + 1]);
  }
  return [...out.values()];

  function alertFor(a: Point, b: Point, distance: number, speed: number): AlertCandidate {
    const gapMinutes = (b.t - a.t) / 60_000;
    const gapText = gapMinutes < 1 ? 'under a minute' : formatDuration(Math.round(gapMinutes) * 60);
    const speedText = Number.isFinite(speed) ? `${formatNumber(speed, 0)} km/h` : 'no time';
    const explanation =
      `${who(b.e)}: ${describePlace(a.e)} → ${describePlace(b.e)}: ${formatNumber(distance, 0)} km ` +
      `in ${gapText} (${speedText}; limit ${formatNumber(params.maxSpeedKmh, 0)}).`;
    const place = (x: Point): Record<string, unknown> => ({
      eventId: x.e.id,
      at: x.e.eventTime.toISOString(),
      latitude: x.lat,
      longitude: x.lon,
      country: x.e.country,
      city: x.e.city,
      ip: x.e.ip,
      stream: x.e.stream,
    });
    return makeAlert(rule, {
      fingerprint: `${a.e.id}|${b.e.id}`,
      groupKey: b.key,
      trigger: b.e,
      evidence: [a.e, b.e],
      explanation,
      count: 2,
      figures: {
        distanceKm: Math.round(distance),
        gapMinutes: Math.round(gapMinutes * 10) / 10,
        speedKmh: Number.isFinite(speed) ? Math.round(speed) : null,
        maxSpeedKmh: params.maxSpeedKmh,
        minDistanceKm: params.minDistanceKm,
        from: place(a),
        to: place(b),
      },
    });
  }
}

/**
 * Per group key of the batch's located counting events, what the evaluator reads of the stored
 * events: the nearest located ones around each arrival (within the span any fast pair can
 * have; the batch's own are not read again). A key whose arrivals lie within that span of each
 * other reads instead every stored event between its first and last arrival, and the nearest
 * ones only before the first and after the last. One whose arrivals spread wider (a sign-in
 * backfill page of days) reads around each arrival only as far as the arrival next to it, so
 * that a pass never reads a user's every event over days, nor the same ones for each arrival.
 */
export function geoVelocityHistoryNeed(
  rule: Rule,
  batch: readonly DetectEvent[],
  lists: ListSnapshot,
  shape: NeedShape,
): HistoryNeed[] {
  const compiled = compileRule(rule, lists);
  const params = rule.params as GeoVelocityParams;
  const field = rule.groupBy.at(0);
  if (field === undefined) return [];
  const times = new KeyTimes();
  const arrivals: NeighbourPoint[] = [];
  for (const e of batch) {
    const p = pointOf(compiled, e);
    if (p === null) continue;
    const value = readField(e, field);
    if (value === null) continue;
    times.add(String(value), p.t);
    arrivals.push({ key: String(value), at: e.eventTime });
  }
  const all = times.around(0, shape);
  if (all === null) return [];
  const span = geoSpanMs(params);
  const spread = times.keysWiderThan(span);
  const close = new KeyTimes();
  for (const { key, at } of arrivals) if (!spread.has(key)) close.add(key, at.getTime());
  const streams = [...rule.streams];
  const between = close.around(0, shape);
  return [
    ...(between ? [{ field, ...between, streams }] : []),
    {
      field,
      keys: all.keys,
      from: new Date(all.from.getTime() - span),
      to: new Date(all.to.getTime() + span),
      streams,
      // A few per side mostly reach a neighbour that counts in one read; a side of only
      // skipped ones (failed sign-ins) is read on past them (readNeighbours, history-loader.ts).
      neighbours: {
        points: [
          ...close.ends(),
          ...pointsBetweenArrivals(arrivals.filter(({ key }) => spread.has(key))),
        ],
        perSide: 3,
        withinMs: span,
        located: true,
        counts: (e) => pointOf(compiled, e) !== null,
      },
    },
  ];
}
