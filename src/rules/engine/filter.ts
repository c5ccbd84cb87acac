import type { DetectEvent, EventField } from '../../events/detect-event';
import type { ListSnapshot } from './evaluation';
import { CidrSet, parseCidr, parseIp } from './ip';
import type { AllowList, Filter } from './rule-definition';
import { compileSafeRegex, compileWildcard, type TextMatcher } from './safe-pattern';

/** A compiled filter: list references resolved and regular expressions built once. */
export type EventPredicate = (event: DetectEvent) => boolean;

export type FieldValue = string | number | null;

/** The value of a normalized field (`undefined` read as null). */
export function readField(event: DetectEvent, field: EventField): FieldValue {
  const value = event[field] as FieldValue | undefined;
  return value ?? null;
}

export function isListReference(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('@') && value.length > 1;
}

const ALWAYS: EventPredicate = () => true;
const NEVER: EventPredicate = () => false;

/**
 * How a named list matches a value: an item equal to it; an item with `*` wildcards
 * (`*@1passwordserviceaccounts.com`, case-insensitive); or, for an item that is a CIDR block
 * or an address, an IP address inside it (so `2001:db8::1` matches `2001:0db8:0:0::1`).
 */
export type ValueMatcher = (value: FieldValue) => boolean;

export function compileListMatcher(items: readonly string[]): ValueMatcher {
  const exact = new Set<string>();
  const wildcards: TextMatcher[] = [];
  const cidrs = new CidrSet();
  for (const item of items) {
    exact.add(item);
    if (item.includes('*')) {
      wildcards.push(compileWildcard(item));
      continue;
    }
    const cidr = parseCidr(item);
    if (cidr.ok) cidrs.add(cidr.cidr);
  }
  if (exact.size === 0) return () => false;
  return (value) => {
    if (value === null) return false;
    const text = typeof value === 'number' ? String(value) : value;
    if (exact.has(text)) return true;
    for (const matches of wildcards) if (matches(text)) return true;
    return cidrs.size > 0 && cidrs.contains(text);
  };
}

function listItems(lists: ListSnapshot, name: string): readonly string[] {
  // A list deleted after the rule was written reads as empty: nothing matches it.
  return lists.get(name) ?? [];
}

/** Compile a filter once per batch; undefined means "every event". */
export function compileFilter(filter: Filter | undefined, lists: ListSnapshot): EventPredicate {
  if (filter === undefined) return ALWAYS;
  if ('all' in filter) {
    const parts = filter.all.map((f) => compileFilter(f, lists));
    if (parts.length === 0) return ALWAYS;
    if (parts.length === 1) return parts[0];
    return (e) => {
      for (const p of parts) if (!p(e)) return false;
      return true;
    };
  }
  if ('any' in filter) {
    const parts = filter.any.map((f) => compileFilter(f, lists));
    if (parts.length === 0) return NEVER;
    if (parts.length === 1) return parts[0];
    return (e) => {
      for (const p of parts) if (p(e)) return true;
      return false;
    };
  }
  if ('not' in filter) {
    const inner = compileFilter(filter.not, lists);
    return (e) => !inner(e);
  }
  const field = filter.field;
  switch (filter.op) {
    case 'eq': {
      const expected = filter.value;
      if (expected === null) return (e) => readField(e, field) === null;
      return (e) => readField(e, field) === expected;
    }
    case 'neq': {
      const expected = filter.value;
      if (expected === null) return (e) => readField(e, field) !== null;
      return (e) => readField(e, field) !== expected;
    }
    case 'in': {
      const matcher = compileInValues(filter.value, lists);
      return (e) => matcher(readField(e, field));
    }
    case 'regex': {
      const re = compileSafeRegex(filter.value, filter.flags);
      // Validation refuses such a pattern; one stored before a limit was lowered fails its rule.
      if (!re.ok) throw new Error(`filter regex on ${field}: ${re.reason}`);
      const test = re.test;
      return (e) => {
        const value = readField(e, field);
        return value !== null && test(typeof value === 'number' ? String(value) : value);
      };
    }
    case 'cidr': {
      const set = compileCidrValues(filter.value, lists);
      return (e) => {
        const value = readField(e, field);
        return typeof value === 'string' && set.contains(value);
      };
    }
    case 'exists': {
      const wanted = filter.value ?? true;
      return (e) => (readField(e, field) !== null) === wanted;
    }
    case 'eqField': {
      const other = filter.value;
      return (e) => {
        const value = readField(e, field);
        return value !== null && value === readField(e, other);
      };
    }
  }
}

function compileInValues(
  value: Array<string | number> | string,
  lists: ListSnapshot,
): ValueMatcher {
  const values = typeof value === 'string' ? [value] : value;
  const literal = new Set<string | number>();
  const matchers: ValueMatcher[] = [];
  for (const item of values) {
    if (isListReference(item)) matchers.push(compileListMatcher(listItems(lists, item)));
    else literal.add(item);
  }
  if (matchers.length === 0) return (v) => v !== null && literal.has(v);
  return (v) => {
    if (v === null) return false;
    if (literal.has(v)) return true;
    for (const m of matchers) if (m(v)) return true;
    return false;
  };
}

function compileCidrValues(value: string[] | string, lists: ListSnapshot): CidrSet {
  const set = new CidrSet();
  const add = (text: string): void => {
    const parsed = parseCidr(text.trim());
    if (parsed.ok) set.add(parsed.cidr);
  };
  for (const item of typeof value === 'string' ? [value] : value) {
    if (isListReference(item)) {
      // Items of the list that are not CIDR blocks or addresses are ignored here.
      for (const listItem of listItems(lists, item)) add(listItem);
    } else {
      add(item);
    }
  }
  return set;
}

/** True when the event is allow-listed (ignored by the rule) by any of the allow-lists. */
export function compileAllowLists(
  allowLists: readonly AllowList[],
  lists: ListSnapshot,
): EventPredicate {
  const checks: Array<{ field: EventField; matches: ValueMatcher }> = [];
  for (const allow of allowLists) {
    const items = listItems(lists, allow.list);
    if (items.length > 0) checks.push({ field: allow.field, matches: compileListMatcher(items) });
  }
  if (checks.length === 0) return NEVER;
  return (e) => {
    for (const check of checks) if (check.matches(readField(e, check.field))) return true;
    return false;
  };
}

/** Exposed for validation: can this text be used as an IP address of an event? */
export function isIpAddress(text: string): boolean {
  return parseIp(text) !== null;
}
