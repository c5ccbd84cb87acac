import { LIMITS } from '../rule-limits';

/**
 * The generic half of rule validation: reads typed properties out of untrusted JSON and
 * records, for each one that is wrong, the path of the property and why (a 400 names them).
 */

export interface RuleValidationError {
  /** Path of the offending property: `params.windowSeconds`, `filter.all[1].field`. */
  field: string;
  reason: string;
}

export type Obj = Record<string, unknown>;

const { maxText: MAX_TEXT } = LIMITS;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  if (type === 'object') return 'an object';
  if (type === 'string' || type === 'number' || type === 'boolean') return `a ${type}`;
  return type;
}

export function quote(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  const json = JSON.stringify(value) as string | undefined;
  return json ?? String(value);
}

export const at = (path: string, key: string): string => (path ? `${path}.${key}` : key);
export const item = (path: string, index: number): string => `${path}[${index}]`;

/** Collects every error with its path; each reader returns null for what it refused. */
export class Checker {
  readonly errors: RuleValidationError[] = [];

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
}
