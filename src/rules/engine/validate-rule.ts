import { DEFAULT_BASELINE_DAYS, HOURLY_RETENTION_DAYS } from '../../baselines/baseline-horizon';
import {
  BASELINE_DIMENSIONS,
  DIMENSIONS_BY_ENTITY,
  ENTITY_TYPES,
} from '../../baselines/baseline-snapshot';
import { STREAMS, type Stream } from '../../events/normalize/normalized-event';
import { EVENT_FIELDS, type EventField } from '../../events/detect-event';
import { isListReference } from './filter';
import { parseCidr } from './ip';
import { LIMITS } from './rule-limits';
import {
  FILTER_OPS,
  RULE_KINDS,
  SEVERITIES,
  type AllowList,
  type Escalation,
  type Filter,
  type NetworkParams,
  type RoutineParams,
  type RuleDefinition,
  type RuleKind,
  type RuleParamsByKind,
  type SequenceStage,
} from './rule-definition';
import { compileSafeRegex } from './safe-pattern';

export interface RuleValidationError {
  /** Path of the offending property: `params.windowSeconds`, `filter.all[1].field`. */
  field: string;
  reason: string;
}

export type RuleValidationResult =
  { ok: true; rule: RuleDefinition } | { ok: false; errors: RuleValidationError[] };

type Obj = Record<string, unknown>;

/** Fields that hold numbers; every other field holds text. */
const NUMERIC_FIELDS: ReadonlySet<EventField> = new Set<EventField>(['latitude', 'longitude']);
const REGEX_FLAGS = /^(?!.*(.).*\1)[imsu]*$/;
const { maxText: MAX_TEXT, maxValueText: MAX_VALUE_TEXT } = LIMITS;

const TOP_KEYS = [
  'name',
  'description',
  'kind',
  'enabled',
  'mode',
  'severity',
  'escalations',
  'streams',
  'filter',
  'groupBy',
  'params',
  'dedupSeconds',
  'suppressSeconds',
  'allowLists',
  'tags',
  'runbook',
  'channels',
  'repeatIntervalSeconds',
] as const;

const PARAM_KEYS: { [K in RuleKind]: ReadonlyArray<keyof RuleParamsByKind[K] & string> } = {
  match: [],
  threshold: ['windowSeconds', 'threshold', 'distinctField', 'routine'],
  new_value: ['entity', 'field', 'learningDays', 'forgetAfterDays', 'newForHours', 'network'],
  rate_anomaly: ['entity', 'pValue', 'minCount', 'minRatio', 'baselineDays'],
  geo_velocity: ['maxSpeedKmh', 'minDistanceKm', 'minGapMinutes'],
  sequence: ['stages', 'withinSeconds', 'mode'],
  heartbeat: ['sources', 'maxSilenceSeconds'],
};

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  if (type === 'object') return 'an object';
  if (type === 'string' || type === 'number' || type === 'boolean') return `a ${type}`;
  return type;
}

function quote(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  const json = JSON.stringify(value) as string | undefined;
  return json ?? String(value);
}

const at = (path: string, key: string): string => (path ? `${path}.${key}` : key);
const item = (path: string, index: number): string => `${path}[${index}]`;

/** Reads and checks one rule definition, collecting every error with its path. */
class Checker {
  readonly errors: RuleValidationError[] = [];
  /** Filter nodes read so far, over every filter of the rule. */
  private filterNodes = 0;

  constructor(private readonly knownLists: ReadonlySet<string>) {}

  fail(field: string, reason: string): null {
    this.errors.push({ field, reason });
    return null;
  }

  noUnknown(obj: Obj, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(obj)) {
      if (allowed.includes(key)) continue;
      // A blank key would name no field: the object holding it is named instead.
      if (key.trim() === '') this.fail(path || 'rule', `unknown property ${quote(key)}`);
      else this.fail(at(path, key), 'unknown property');
    }
  }

  string(
    obj: Obj,
    key: string,
    path: string,
    opts: { required?: boolean; nonEmpty?: boolean; max?: number } = {},
  ): string | null {
    const value = obj[key];
    const field = at(path, key);
    if (value === undefined) return opts.required ? this.fail(field, 'is required') : null;
    if (typeof value !== 'string')
      return this.fail(field, `must be a string, not ${typeName(value)}`);
    if ((opts.nonEmpty || opts.required) && value.trim() === '') {
      return this.fail(field, 'must not be empty');
    }
    const max = opts.max ?? MAX_TEXT;
    if (value.length > max) return this.fail(field, `must be at most ${max} characters`);
    return value;
  }

  boolean(obj: Obj, key: string, path: string): boolean | null {
    const value = obj[key];
    if (value === undefined) return null;
    if (typeof value !== 'boolean') {
      return this.fail(at(path, key), `must be true or false, not ${typeName(value)}`);
    }
    return value;
  }

  number(
    obj: Obj,
    key: string,
    path: string,
    opts: {
      required?: boolean;
      integer?: boolean;
      min?: number;
      /** Strictly greater than. */
      above?: number;
      below?: number;
      max?: number;
      what?: string;
    } = {},
  ): number | null {
    const value = obj[key];
    const field = at(path, key);
    if (value === undefined) return opts.required ? this.fail(field, 'is required') : null;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return this.fail(field, `must be a number, not ${typeName(value)}`);
    }
    if (opts.integer && !Number.isInteger(value)) return this.fail(field, 'must be a whole number');
    if (opts.above !== undefined && !(value > opts.above)) {
      return this.fail(field, `must be greater than ${opts.above}`);
    }
    if (opts.min !== undefined && value < opts.min) {
      return this.fail(field, `must be at least ${opts.min}`);
    }
    if (opts.below !== undefined && !(value < opts.below)) {
      return this.fail(field, `must be less than ${opts.below}`);
    }
    if (opts.max !== undefined && value > opts.max) {
      return this.fail(field, `must be at most ${opts.max}${opts.what ? ` ${opts.what}` : ''}`);
    }
    return value;
  }

  oneOf<T extends string>(
    obj: Obj,
    key: string,
    path: string,
    allowed: readonly T[],
    what: string,
    required = false,
  ): T | null {
    const value = obj[key];
    const field = at(path, key);
    if (value === undefined) return required ? this.fail(field, 'is required') : null;
    if (typeof value !== 'string')
      return this.fail(field, `must be a string, not ${typeName(value)}`);
    if (!(allowed as readonly string[]).includes(value)) {
      return this.fail(
        field,
        `unknown ${what} '${value}' (expected one of: ${allowed.join(', ')})`,
      );
    }
    return value as T;
  }

  eventField(value: unknown, field: string): EventField | null {
    if (typeof value !== 'string')
      return this.fail(field, `must be a field name, not ${typeName(value)}`);
    if (!(EVENT_FIELDS as readonly string[]).includes(value)) {
      return this.fail(field, `unknown field '${value}'`);
    }
    return value as EventField;
  }

  array(
    obj: Obj,
    key: string,
    path: string,
    required = false,
    maxItems: number = LIMITS.maxArrayItems,
  ): unknown[] | null {
    const value = obj[key];
    const field = at(path, key);
    if (value === undefined) return required ? this.fail(field, 'is required') : null;
    if (!Array.isArray(value)) return this.fail(field, `must be an array, not ${typeName(value)}`);
    if (value.length > maxItems) return this.fail(field, `must hold at most ${maxItems} items`);
    return value as unknown[];
  }

  stringArray(obj: Obj, key: string, path: string): string[] | null {
    const values = this.array(obj, key, path);
    if (values === null) return null;
    const out: string[] = [];
    values.forEach((value, i) => {
      if (typeof value !== 'string' || value.trim() === '') {
        this.fail(item(at(path, key), i), `must be a non-empty string, not ${typeName(value)}`);
      } else if (value.length > LIMITS.maxNameText) {
        this.fail(item(at(path, key), i), `must be at most ${LIMITS.maxNameText} characters`);
      } else {
        out.push(value);
      }
    });
    return out;
  }

  streams(obj: Obj, key: string, path: string, required: boolean): Stream[] | null {
    const values = this.array(obj, key, path, required);
    if (values === null) return null;
    const field = at(path, key);
    if (values.length === 0 && required) return this.fail(field, 'must name at least one stream');
    const out: Stream[] = [];
    values.forEach((value, i) => {
      if (typeof value !== 'string') {
        this.fail(item(field, i), `must be a stream name, not ${typeName(value)}`);
      } else if (!(STREAMS as readonly string[]).includes(value)) {
        this.fail(
          item(field, i),
          `unknown stream '${value}' (expected one of: ${STREAMS.join(', ')})`,
        );
      } else if (!out.includes(value as Stream)) {
        out.push(value as Stream);
      }
    });
    return out;
  }

  listReference(value: unknown, field: string): string | null {
    if (typeof value !== 'string' || !isListReference(value)) {
      return this.fail(
        field,
        `must be a list reference such as '@serviceAccounts', not ${quote(value)}`,
      );
    }
    if (!this.knownLists.has(value) && !this.knownLists.has(value.slice(1))) {
      return this.fail(field, `unknown list '${value}'`);
    }
    return value;
  }

  filter(value: unknown, path: string, depth = 1): Filter | null {
    if (depth > LIMITS.maxFilterDepth) {
      return this.fail(path, `filters may be nested at most ${LIMITS.maxFilterDepth} levels deep`);
    }
    if (++this.filterNodes > LIMITS.maxFilterNodes) {
      return this.fail(
        path,
        `a rule's filters may hold at most ${LIMITS.maxFilterNodes} conditions and groups in all`,
      );
    }
    if (!isObject(value)) {
      return this.fail(
        path,
        `must be an object (a condition, or all / any / not), not ${typeName(value)}`,
      );
    }
    const forms = ['all', 'any', 'not', 'field'].filter((k) => k in value);
    if (forms.length !== 1) {
      return this.fail(
        path,
        forms.length === 0
          ? 'must hold one of all, any, not or field'
          : `must hold only one of all, any, not or field (found ${forms.join(', ')})`,
      );
    }
    const form = forms[0];
    if (form === 'all' || form === 'any') {
      this.noUnknown(value, [form], path);
      const parts = this.array(value, form, path, true, LIMITS.maxFilterNodes);
      if (parts === null) return null;
      if (parts.length === 0) return this.fail(at(path, form), 'must hold at least one filter');
      const out: Filter[] = [];
      for (let i = 0; i < parts.length; i++) {
        const f = this.filter(parts[i], item(at(path, form), i), depth + 1);
        if (f !== null) out.push(f);
        if (this.filterNodes > LIMITS.maxFilterNodes) return null;
      }
      if (out.length !== parts.length) return null;
      return form === 'all' ? { all: out } : { any: out };
    }
    if (form === 'not') {
      this.noUnknown(value, ['not'], path);
      const inner = this.filter(value.not, at(path, 'not'), depth + 1);
      return inner === null ? null : { not: inner };
    }
    return this.condition(value, path);
  }

  private condition(value: Obj, path: string): Filter | null {
    const errorsBefore = this.errors.length;
    const field = this.eventField(value.field, at(path, 'field'));
    const op = this.oneOf(value, 'op', path, FILTER_OPS, 'op', true);
    this.noUnknown(
      value,
      op === 'regex' ? ['field', 'op', 'value', 'flags'] : ['field', 'op', 'value'],
      path,
    );
    if (field === null || op === null) return null;
    const valuePath = at(path, 'value');
    const v = value.value;
    const numeric = NUMERIC_FIELDS.has(field);
    const scalarOk = (x: unknown): boolean =>
      numeric ? typeof x === 'number' && Number.isFinite(x) : typeof x === 'string';
    const scalarWhat = numeric ? 'a number' : 'a string';
    const tooLong = (x: unknown, p: string): boolean => {
      if (typeof x !== 'string' || x.length <= MAX_VALUE_TEXT) return false;
      this.fail(p, `must be at most ${MAX_VALUE_TEXT} characters`);
      return true;
    };
    switch (op) {
      case 'eq':
      case 'neq': {
        if (v === undefined) return this.fail(valuePath, 'is required');
        if (v !== null && !scalarOk(v)) {
          return this.fail(
            valuePath,
            `must be ${scalarWhat} or null (${field} holds ${numeric ? 'numbers' : 'text'}), not ${typeName(v)}`,
          );
        }
        if (tooLong(v, valuePath)) return null;
        return this.done(errorsBefore, { field, op, value: v as string | number | null });
      }
      case 'in': {
        if (v === undefined) return this.fail(valuePath, 'is required');
        if (typeof v === 'string') {
          const ref = this.listReference(v, valuePath);
          return ref === null ? null : this.done(errorsBefore, { field, op, value: ref });
        }
        if (!Array.isArray(v)) {
          return this.fail(
            valuePath,
            `must be an array of values or a list reference (@name), not ${typeName(v)}`,
          );
        }
        if (v.length === 0) return this.fail(valuePath, 'must hold at least one value');
        if (v.length > LIMITS.maxFilterValues) {
          return this.fail(valuePath, `must hold at most ${LIMITS.maxFilterValues} values`);
        }
        const values: Array<string | number> = [];
        (v as unknown[]).forEach((x, i) => {
          if (isListReference(x)) {
            if (this.listReference(x, item(valuePath, i)) !== null) values.push(x);
          } else if (!scalarOk(x)) {
            this.fail(item(valuePath, i), `must be ${scalarWhat}, not ${typeName(x)}`);
          } else if (!tooLong(x, item(valuePath, i))) {
            values.push(x as string | number);
          }
        });
        return this.done(errorsBefore, { field, op, value: values });
      }
      case 'regex': {
        if (typeof v !== 'string')
          return this.fail(valuePath, `must be a regular expression string, not ${typeName(v)}`);
        const flags = value.flags;
        if (flags !== undefined && (typeof flags !== 'string' || !REGEX_FLAGS.test(flags))) {
          return this.fail(
            at(path, 'flags'),
            `bad regular expression flags ${quote(flags)} (allowed: i, m, s, u, each once)`,
          );
        }
        const compiled = compileSafeRegex(v, flags ?? '');
        if (!compiled.ok) return this.fail(valuePath, compiled.reason);
        return this.done(
          errorsBefore,
          flags === undefined ? { field, op, value: v } : { field, op, value: v, flags },
        );
      }
      case 'cidr': {
        if (numeric)
          return this.fail(at(path, 'field'), `cidr needs a text field; ${field} holds numbers`);
        const items = typeof v === 'string' ? [v] : v;
        if (!Array.isArray(items)) {
          return this.fail(
            valuePath,
            `must be a CIDR, an array of CIDRs or a list reference, not ${typeName(v)}`,
          );
        }
        if (items.length === 0) return this.fail(valuePath, 'must hold at least one CIDR');
        if (items.length > LIMITS.maxFilterValues) {
          return this.fail(valuePath, `must hold at most ${LIMITS.maxFilterValues} CIDRs`);
        }
        const out: string[] = [];
        (items as unknown[]).forEach((x, i) => {
          const p = typeof v === 'string' ? valuePath : item(valuePath, i);
          if (typeof x !== 'string') {
            this.fail(p, `must be a CIDR string, not ${typeName(x)}`);
          } else if (x.startsWith('@')) {
            if (this.listReference(x, p) !== null) out.push(x);
          } else {
            const parsed = parseCidr(x.trim(), true);
            if (parsed.ok) out.push(x.trim());
            else this.fail(p, `bad CIDR '${x}': ${parsed.reason}`);
          }
        });
        return this.done(errorsBefore, { field, op, value: typeof v === 'string' ? out[0] : out });
      }
      case 'exists': {
        if (v !== undefined && typeof v !== 'boolean') {
          return this.fail(valuePath, `must be true or false, not ${typeName(v)}`);
        }
        return this.done(errorsBefore, v === undefined ? { field, op } : { field, op, value: v });
      }
      case 'eqField': {
        const other = this.eventField(v, valuePath);
        if (other === null) return null;
        if (other === field) return this.fail(valuePath, 'must name another field than field');
        return this.done(errorsBefore, { field, op, value: other });
      }
    }
  }

  private done(errorsBefore: number, filter: Filter): Filter | null {
    return this.errors.length === errorsBefore ? filter : null;
  }
}

function checkParams(
  c: Checker,
  kind: RuleKind,
  raw: unknown,
  ruleStreams: Stream[] | null,
): { params: RuleParamsByKind[RuleKind]; stageStreams?: Stream[] } | null {
  const path = 'params';
  let obj: Obj = {};
  if (raw !== undefined) {
    if (!isObject(raw)) return c.fail(path, `must be an object, not ${typeName(raw)}`);
    obj = raw;
  }
  c.noUnknown(obj, PARAM_KEYS[kind], path);
  const before = c.errors.length;
  const ok = <T>(value: T): T | null => (c.errors.length === before ? value : null);
  switch (kind) {
    case 'match':
      return ok({ params: {} });
    case 'threshold': {
      const windowSeconds = c.number(obj, 'windowSeconds', path, {
        required: true,
        above: 0,
        max: LIMITS.maxWindowSeconds,
      });
      const threshold = c.number(obj, 'threshold', path, {
        required: true,
        integer: true,
        min: 1,
        max: LIMITS.maxCount,
      });
      const distinctField =
        obj.distinctField === undefined
          ? null
          : c.eventField(obj.distinctField, at(path, 'distinctField'));
      const routine = obj.routine === undefined ? null : checkRoutine(c, obj.routine, path);
      if (windowSeconds === null || threshold === null) return null;
      return ok({
        params: {
          windowSeconds,
          threshold,
          ...(distinctField === null ? {} : { distinctField }),
          ...(routine === null ? {} : { routine }),
        },
      });
    }
    case 'new_value': {
      const entity = c.oneOf(obj, 'entity', path, ENTITY_TYPES, 'entity') ?? 'user';
      const field = c.oneOf(obj, 'field', path, BASELINE_DIMENSIONS, 'baseline dimension', true);
      if (field !== null && !DIMENSIONS_BY_ENTITY[entity].includes(field)) {
        c.fail(
          at(path, 'field'),
          `'${field}' is not remembered for ${entity} baselines (remembered: ${DIMENSIONS_BY_ENTITY[entity].join(', ')})`,
        );
      }
      const learningDays =
        c.number(obj, 'learningDays', path, { min: 0, max: LIMITS.maxDays }) ?? 14;
      const forgetAfterDays =
        c.number(obj, 'forgetAfterDays', path, { above: 0, max: LIMITS.maxDays }) ?? 90;
      const newForHours =
        c.number(obj, 'newForHours', path, {
          min: 0,
          max: 168,
          what: '(a week of stored events is read back)',
        }) ?? 24;
      let network: NetworkParams | null = null;
      if (obj.network !== undefined) {
        if (field !== null && field !== 'ip')
          c.fail(at(path, 'network'), 'applies to field ip only');
        network = checkNetwork(c, obj.network, at(path, 'network'));
      }
      if (field === null) return null;
      return ok({
        params: {
          entity,
          field,
          learningDays,
          forgetAfterDays,
          newForHours,
          ...(network === null ? {} : { network }),
        },
      });
    }
    case 'rate_anomaly': {
      const entity = c.oneOf(obj, 'entity', path, ENTITY_TYPES, 'entity') ?? 'user';
      const pValue = c.number(obj, 'pValue', path, { above: 0, below: 1 }) ?? 1e-6;
      const minCount =
        c.number(obj, 'minCount', path, { integer: true, min: 1, max: LIMITS.maxCount }) ?? 10;
      const minRatio = c.number(obj, 'minRatio', path, { min: 0, max: LIMITS.maxCount }) ?? 4;
      const baselineDays =
        c.number(obj, 'baselineDays', path, {
          min: 1,
          max: HOURLY_RETENTION_DAYS,
          what: `(baselines keep ${HOURLY_RETENTION_DAYS} days of hourly counts)`,
        }) ?? DEFAULT_BASELINE_DAYS;
      return ok({ params: { entity, pValue, minCount, minRatio, baselineDays } });
    }
    case 'geo_velocity': {
      const maxSpeedKmh =
        c.number(obj, 'maxSpeedKmh', path, { above: 0, max: LIMITS.maxSpeedKmh }) ?? 900;
      const minDistanceKm =
        c.number(obj, 'minDistanceKm', path, { min: 0, max: LIMITS.maxDistanceKm }) ?? 500;
      const minGapMinutes =
        c.number(obj, 'minGapMinutes', path, { min: 0, max: LIMITS.maxGapMinutes }) ?? 5;
      return ok({ params: { maxSpeedKmh, minDistanceKm, minGapMinutes } });
    }
    case 'sequence': {
      const withinSeconds = c.number(obj, 'withinSeconds', path, {
        required: true,
        above: 0,
        max: LIMITS.maxSequenceSeconds,
      });
      const mode = c.oneOf(obj, 'mode', path, ['forward', 'retro'] as const, 'mode') ?? 'forward';
      const rawStages = c.array(obj, 'stages', path, true);
      const stages: SequenceStage[] = [];
      if (rawStages !== null) {
        if (rawStages.length !== 2) {
          c.fail(
            at(path, 'stages'),
            `must hold exactly 2 stages (A then B), not ${rawStages.length}`,
          );
        } else {
          rawStages.forEach((raw, i) => {
            const stage = checkStage(c, raw, item(at(path, 'stages'), i), ruleStreams, i === 0);
            if (stage) stages.push(stage);
          });
        }
      }
      if (withinSeconds === null || stages.length !== 2) return null;
      const stageStreams = [...new Set([...stages[0].streams, ...stages[1].streams])];
      return ok({
        params: {
          stages: [stages[0], stages[1]] as [SequenceStage, SequenceStage],
          withinSeconds,
          mode,
        },
        stageStreams,
      });
    }
    case 'heartbeat': {
      const sources = c.stringArray(obj, 'sources', path) ?? [];
      const maxSilenceSeconds = c.number(obj, 'maxSilenceSeconds', path, {
        required: true,
        above: 0,
        max: LIMITS.maxWindowSeconds,
      });
      if (maxSilenceSeconds === null) return null;
      return ok({ params: { sources, maxSilenceSeconds } });
    }
  }
}

function checkRoutine(c: Checker, raw: unknown, params: string): RoutineParams | null {
  const path = at(params, 'routine');
  if (!isObject(raw)) return c.fail(path, `must be an object, not ${typeName(raw)}`);
  c.noUnknown(raw, ['entity', 'baselineDays', 'minDays', 'factor'], path);
  const before = c.errors.length;
  const entity = c.oneOf(raw, 'entity', path, ENTITY_TYPES, 'entity') ?? 'connect_token';
  const baselineDays =
    c.number(raw, 'baselineDays', path, {
      min: 1,
      max: HOURLY_RETENTION_DAYS,
      what: `(baselines keep ${HOURLY_RETENTION_DAYS} days of hourly counts)`,
    }) ?? DEFAULT_BASELINE_DAYS;
  const minDays =
    c.number(raw, 'minDays', path, { integer: true, min: 1, max: HOURLY_RETENTION_DAYS }) ?? 3;
  const factor = c.number(raw, 'factor', path, { min: 1, max: 100 }) ?? 2;
  if (minDays > baselineDays) c.fail(at(path, 'minDays'), 'must be at most baselineDays');
  return c.errors.length === before ? { entity, baselineDays, minDays, factor } : null;
}

function checkNetwork(c: Checker, raw: unknown, path: string): NetworkParams | null {
  if (!isObject(raw)) return c.fail(path, `must be an object, not ${typeName(raw)}`);
  c.noUnknown(raw, ['ipv4Prefix', 'ipv6Prefix', 'privateOnly'], path);
  const before = c.errors.length;
  const ipv4Prefix = c.number(raw, 'ipv4Prefix', path, { integer: true, min: 8, max: 32 }) ?? 24;
  const ipv6Prefix = c.number(raw, 'ipv6Prefix', path, { integer: true, min: 16, max: 128 }) ?? 64;
  const privateOnly = c.boolean(raw, 'privateOnly', path) ?? true;
  return c.errors.length === before ? { ipv4Prefix, ipv6Prefix, privateOnly } : null;
}

function checkStage(
  c: Checker,
  raw: unknown,
  path: string,
  ruleStreams: Stream[] | null,
  first: boolean,
): SequenceStage | null {
  if (!isObject(raw)) return c.fail(path, `must be an object, not ${typeName(raw)}`);
  c.noUnknown(
    raw,
    first ? ['name', 'streams', 'filter', 'key', 'minCount'] : ['name', 'streams', 'filter', 'key'],
    path,
  );
  const before = c.errors.length;
  const name = c.string(raw, 'name', path, { required: true, max: LIMITS.maxNameText });
  const streams = c.streams(raw, 'streams', path, true);
  if (streams && ruleStreams) {
    streams.forEach((s, i) => {
      if (!ruleStreams.includes(s)) {
        c.fail(item(at(path, 'streams'), i), `stream '${s}' is not among the rule's streams`);
      }
    });
  }
  const filter = raw.filter === undefined ? null : c.filter(raw.filter, at(path, 'filter'));
  const key =
    raw.key === undefined
      ? c.fail(at(path, 'key'), 'is required')
      : c.eventField(raw.key, at(path, 'key'));
  const minCount = first
    ? c.number(raw, 'minCount', path, { integer: true, min: 1, max: 1000 })
    : null;
  if (c.errors.length !== before || name === null || streams === null || key === null) {
    return null;
  }
  return {
    name,
    streams,
    ...(filter === null ? {} : { filter }),
    key,
    ...(minCount === null ? {} : { minCount }),
  };
}

/**
 * Checks a rule as authored (REST body, template) and fills the defaults of omitted optional
 * properties. Refuses with every error found, each naming the property path and why.
 * `knownLists` holds the list names rules may reference (with or without the leading `@`).
 */
export function validateRuleDefinition(
  input: unknown,
  knownLists: ReadonlySet<string>,
): RuleValidationResult {
  const c = new Checker(knownLists);
  if (!isObject(input)) {
    return {
      ok: false,
      errors: [{ field: 'rule', reason: `must be an object, not ${typeName(input)}` }],
    };
  }
  // Checked before anything recurses into it: 20,000 nested `not`s must not overflow the stack.
  const tooDeep = firstTooDeep(input, LIMITS.maxJsonDepth);
  if (tooDeep !== null) {
    return {
      ok: false,
      errors: [
        {
          field: tooDeep.trim() === '' ? 'rule' : tooDeep,
          reason: `nested more than ${LIMITS.maxJsonDepth} levels deep`,
        },
      ],
    };
  }
  c.noUnknown(input, TOP_KEYS, '');
  const name = c.string(input, 'name', '', { required: true, max: LIMITS.maxNameText });
  const kind = c.oneOf(input, 'kind', '', RULE_KINDS, 'kind', true);
  const description = c.string(input, 'description', '') ?? '';
  const enabled = c.boolean(input, 'enabled', '') ?? true;
  const mode = c.oneOf(input, 'mode', '', ['active', 'shadow'] as const, 'mode') ?? 'active';
  const severity = c.oneOf(input, 'severity', '', SEVERITIES, 'severity') ?? 'medium';
  const streamsRequired = kind !== null && kind !== 'heartbeat' && kind !== 'sequence';
  const givenStreams = c.streams(input, 'streams', '', streamsRequired);
  const filter = input.filter === undefined ? null : c.filter(input.filter, 'filter');

  const groupByRaw = c.array(input, 'groupBy', '');
  let groupBy: EventField[] = ['actorId'];
  if (groupByRaw !== null) {
    groupBy = [];
    groupByRaw.forEach((value, i) => {
      const field = c.eventField(value, item('groupBy', i));
      if (field !== null && !groupBy.includes(field)) groupBy.push(field);
    });
    if (groupByRaw.length === 0 && (kind === 'threshold' || kind === 'geo_velocity')) {
      c.fail('groupBy', `must name at least one field for ${kind} rules`);
    }
  }

  const escalations: Escalation[] = [];
  (c.array(input, 'escalations', '') ?? []).forEach((raw, i) => {
    const path = item('escalations', i);
    if (!isObject(raw)) {
      c.fail(path, `must be an object, not ${typeName(raw)}`);
      return;
    }
    c.noUnknown(raw, ['filter', 'countGte', 'severity'], path);
    const escSeverity = c.oneOf(raw, 'severity', path, SEVERITIES, 'severity', true);
    const escFilter = raw.filter === undefined ? null : c.filter(raw.filter, at(path, 'filter'));
    const countGte = c.number(raw, 'countGte', path, {
      integer: true,
      min: 1,
      max: LIMITS.maxCount,
    });
    if (raw.filter === undefined && raw.countGte === undefined) {
      c.fail(path, 'must state a filter or countGte');
      return;
    }
    if (escSeverity === null) return;
    const esc: Escalation = { severity: escSeverity };
    if (escFilter !== null) esc.filter = escFilter;
    if (countGte !== null) esc.countGte = countGte;
    escalations.push(esc);
  });

  const dedupSeconds =
    c.number(input, 'dedupSeconds', '', { integer: true, min: 0, max: LIMITS.maxWindowSeconds }) ??
    3600;
  const suppressSeconds =
    c.number(input, 'suppressSeconds', '', {
      integer: true,
      min: 0,
      max: LIMITS.maxWindowSeconds,
    }) ?? 0;

  const allowLists: AllowList[] = [];
  (c.array(input, 'allowLists', '') ?? []).forEach((raw, i) => {
    const path = item('allowLists', i);
    if (!isObject(raw)) {
      c.fail(path, `must be an object with field and list, not ${typeName(raw)}`);
      return;
    }
    c.noUnknown(raw, ['field', 'list'], path);
    const field =
      raw.field === undefined
        ? c.fail(at(path, 'field'), 'is required')
        : c.eventField(raw.field, at(path, 'field'));
    const list =
      raw.list === undefined
        ? c.fail(at(path, 'list'), 'is required')
        : c.listReference(raw.list, at(path, 'list'));
    if (field !== null && list !== null) allowLists.push({ field, list });
  });

  const tags = c.stringArray(input, 'tags', '') ?? [];
  const runbook = c.string(input, 'runbook', '') ?? '';
  const channels = c.stringArray(input, 'channels', '') ?? [];
  // Absent: the service default; null: stated as the service default.
  const repeatIntervalSeconds =
    input.repeatIntervalSeconds === null
      ? null
      : (c.number(input, 'repeatIntervalSeconds', '', {
          integer: true,
          above: 0,
          max: LIMITS.maxWindowSeconds,
        }) ?? undefined);

  const checked = kind === null ? null : checkParams(c, kind, input.params, givenStreams);

  if (c.errors.length > 0 || name === null || kind === null || checked === null) {
    return { ok: false, errors: c.errors };
  }
  const streams = givenStreams ?? checked.stageStreams ?? [];
  const rule: RuleDefinition = {
    name,
    description,
    kind,
    enabled,
    mode,
    severity,
    escalations,
    streams,
    groupBy,
    params: checked.params,
    dedupSeconds,
    suppressSeconds,
    allowLists,
    tags,
    runbook,
    channels,
  };
  if (filter !== null) rule.filter = filter;
  if (repeatIntervalSeconds !== undefined) rule.repeatIntervalSeconds = repeatIntervalSeconds;
  return { ok: true, rule };
}

/** The top-level property under which `input` nests deeper than `max` levels, if any. */
function firstTooDeep(input: Obj, max: number): string | null {
  for (const [key, value] of Object.entries(input)) {
    // Iterative: the depth being measured may be far beyond what recursion survives.
    const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 2 }];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (typeof next.value !== 'object' || next.value === null) continue;
      if (next.depth > max) return key;
      for (const child of Object.values(next.value)) {
        stack.push({ value: child, depth: next.depth + 1 });
      }
    }
  }
  return null;
}
