import type { EventField } from '../../../events/detect-event';
import { isListReference } from '../filter';
import { parseCidr } from '../ip';
import { LIMITS } from '../rule-limits';
import { FILTER_OPS, type Filter } from '../rule-definition';
import { compileSafeRegex } from '../safe-pattern';
import { at, isObject, item, quote, typeName, type Obj } from './checker';
import type { RuleChecker } from './rule-checker';

/** Fields that hold numbers; every other field holds text. */
const NUMERIC_FIELDS: ReadonlySet<EventField> = new Set<EventField>(['latitude', 'longitude']);
const REGEX_FLAGS = /^(?!.*(.).*\1)[imsu]*$/;
const { maxValueText: MAX_VALUE_TEXT } = LIMITS;

/**
 * The filter grammar (see `Filter`): all / any / not groups and conditions on event fields,
 * bounded in depth and, over every filter of one rule, in conditions.
 */
export class FilterGrammar {
  /** Filter nodes read so far, over every filter of the rule. */
  private nodes = 0;

  constructor(private readonly c: RuleChecker) {}

  read(value: unknown, path: string, depth = 1): Filter | null {
    if (depth > LIMITS.maxFilterDepth) {
      return this.c.fail(
        path,
        `filters may be nested at most ${LIMITS.maxFilterDepth} levels deep`,
      );
    }
    if (++this.nodes > LIMITS.maxFilterNodes) {
      return this.c.fail(
        path,
        `a rule's filters may hold at most ${LIMITS.maxFilterNodes} conditions and groups in all`,
      );
    }
    if (!isObject(value)) {
      return this.c.fail(
        path,
        `must be an object (a condition, or all / any / not), not ${typeName(value)}`,
      );
    }
    const forms = ['all', 'any', 'not', 'field'].filter((k) => k in value);
    if (forms.length !== 1) {
      return this.c.fail(
        path,
        forms.length === 0
          ? 'must hold one of all, any, not or field'
          : `must hold only one of all, any, not or field (found ${forms.join(', ')})`,
      );
    }
    const form = forms[0];
    if (form === 'all' || form === 'any') {
      this.c.noUnknown(value, [form], path);
      const parts = this.c.array(value, form, path, true, LIMITS.maxFilterNodes);
      if (parts === null) return null;
      if (parts.length === 0) return this.c.fail(at(path, form), 'must hold at least one filter');
      const out: Filter[] = [];
      for (let i = 0; i < parts.length; i++) {
        const f = this.read(parts[i], item(at(path, form), i), depth + 1);
        if (f !== null) out.push(f);
        if (this.nodes > LIMITS.maxFilterNodes) return null;
      }
      if (out.length !== parts.length) return null;
      return form === 'all' ? { all: out } : { any: out };
    }
    if (form === 'not') {
      this.c.noUnknown(value, ['not'], path);
      const inner = this.read(value.not, at(path, 'not'), depth + 1);
      return inner === null ? null : { not: inner };
    }
    return this.condition(value, path);
  }

  private condition(value: Obj, path: string): Filter | null {
    const errorsBefore = this.c.errors.length;
    const field = this.c.eventField(value.field, at(path, 'field'));
    const op = this.c.oneOf(value, 'op', path, FILTER_OPS, 'op', true);
    this.c.noUnknown(
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
      this.c.fail(p, `must be at most ${MAX_VALUE_TEXT} characters`);
      return true;
    };
    switch (op) {
      case 'eq':
      case 'neq': {
        if (v === undefined) return this.c.fail(valuePath, 'is required');
        if (v !== null && !scalarOk(v)) {
          return this.c.fail(
            valuePath,
            `must be ${scalarWhat} or null (${field} holds ${numeric ? 'numbers' : 'text'}), not ${typeName(v)}`,
          );
        }
        if (tooLong(v, valuePath)) return null;
        return this.done(errorsBefore, { field, op, value: v as string | number | null });
      }
      case 'in': {
        if (v === undefined) return this.c.fail(valuePath, 'is required');
        if (typeof v === 'string') {
          const ref = this.c.listReference(v, valuePath);
          return ref === null ? null : this.done(errorsBefore, { field, op, value: ref });
        }
        if (!Array.isArray(v)) {
          return this.c.fail(
            valuePath,
            `must be an array of values or a list reference (@name), not ${typeName(v)}`,
          );
        }
        if (v.length === 0) return this.c.fail(valuePath, 'must hold at least one value');
        if (v.length > LIMITS.maxFilterValues) {
          return this.c.fail(valuePath, `must hold at most ${LIMITS.maxFilterValues} values`);
        }
        const values: Array<string | number> = [];
        (v as unknown[]).forEach((x, i) => {
          if (isListReference(x)) {
            if (this.c.listReference(x, item(valuePath, i)) !== null) values.push(x);
          } else if (!scalarOk(x)) {
            this.c.fail(item(valuePath, i), `must be ${scalarWhat}, not ${typeName(x)}`);
          } else if (!tooLong(x, item(valuePath, i))) {
            values.push(x as string | number);
          }
        });
        return this.done(errorsBefore, { field, op, value: values });
      }
      case 'regex': {
        if (typeof v !== 'string')
          return this.c.fail(valuePath, `must be a regular expression string, not ${typeName(v)}`);
        const flags = value.flags;
        if (flags !== undefined && (typeof flags !== 'string' || !REGEX_FLAGS.test(flags))) {
          return this.c.fail(
            at(path, 'flags'),
            `bad regular expression flags ${quote(flags)} (allowed: i, m, s, u, each once)`,
          );
        }
        const compiled = compileSafeRegex(v, flags ?? '');
        if (!compiled.ok) return this.c.fail(valuePath, compiled.reason);
        return this.done(
          errorsBefore,
          flags === undefined ? { field, op, value: v } : { field, op, value: v, flags },
        );
      }
      case 'cidr': {
        if (numeric)
          return this.c.fail(at(path, 'field'), `cidr needs a text field; ${field} holds numbers`);
        const items = typeof v === 'string' ? [v] : v;
        if (!Array.isArray(items)) {
          return this.c.fail(
            valuePath,
            `must be a CIDR, an array of CIDRs or a list reference, not ${typeName(v)}`,
          );
        }
        if (items.length === 0) return this.c.fail(valuePath, 'must hold at least one CIDR');
        if (items.length > LIMITS.maxFilterValues) {
          return this.c.fail(valuePath, `must hold at most ${LIMITS.maxFilterValues} CIDRs`);
        }
        const out: string[] = [];
        (items as unknown[]).forEach((x, i) => {
          const p = typeof v === 'string' ? valuePath : item(valuePath, i);
          if (typeof x !== 'string') {
            this.c.fail(p, `must be a CIDR string, not ${typeName(x)}`);
          } else if (x.startsWith('@')) {
            if (this.c.listReference(x, p) !== null) out.push(x);
          } else {
            const parsed = parseCidr(x.trim(), true);
            if (parsed.ok) out.push(x.trim());
            else this.c.fail(p, `bad CIDR '${x}': ${parsed.reason}`);
          }
        });
        return this.done(errorsBefore, { field, op, value: typeof v === 'string' ? out[0] : out });
      }
      case 'exists': {
        if (v !== undefined && typeof v !== 'boolean') {
          return this.c.fail(valuePath, `must be true or false, not ${typeName(v)}`);
        }
        return this.done(errorsBefore, v === undefined ? { field, op } : { field, op, value: v });
      }
      case 'eqField': {
        const other = this.c.eventField(v, valuePath);
        if (other === null) return null;
        if (other === field) return this.c.fail(valuePath, 'must name another field than field');
        return this.done(errorsBefore, { field, op, value: other });
      }
    }
  }

  private done(errorsBefore: number, filter: Filter): Filter | null {
    return this.c.errors.length === errorsBefore ? filter : null;
  }
}
