/**
 * Makes a parsed JSON value storable as PostgreSQL jsonb and bounded in size, while keeping it
 * faithful enough to audit. jsonb refuses NUL characters and lone UTF-16 surrogates, and
 * JSON.stringify and PostgreSQL's parser recurse once per nesting level; so:
 *
 * - NUL characters and lone surrogates (in values and keys) become U+FFFD;
 * - a string longer than `maxStringLength` keeps its head, followed by `…[N characters]` giving
 *   its original length;
 * - a subtree nested deeper than `maxDepth`, and every value past `maxValues` or past
 *   `maxTotalChars` of text, is replaced by a marker string that says why.
 *
 * Every change is listed as an amendment (`path: what was done`). A value that needs none is
 * returned as it is (same object), so the common case neither copies nor allocates. Both
 * passes are iterative: no input can overflow the call stack.
 */

export interface StorableLimits {
  maxDepth: number;
  maxStringLength: number;
  maxValues: number;
  maxTotalChars: number;
}

/** Raw copies of stored events: ample for any real 1Password object. */
export const EVENT_RAW_LIMITS: StorableLimits = {
  maxDepth: 32,
  maxStringLength: 8192,
  maxValues: 10_000,
  maxTotalChars: 262_144,
};

/** Rejected objects are kept for diagnosis only: smaller. */
export const REJECTED_RAW_LIMITS: StorableLimits = {
  maxDepth: 16,
  maxStringLength: 2048,
  maxValues: 1000,
  maxTotalChars: 32_768,
};

export interface StorableJson {
  value: unknown;
  /** What was changed, `raw.path: change`; empty when the value was storable as it was. */
  amendments: string[];
}

/** Amendments listed per value; the rest are counted in a last line. */
const MAX_AMENDMENTS_LISTED = 10;
// NUL is exactly what these look for.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHAR = /[\u0000\uD800-\uDFFF]/;
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function toStorableJson(value: unknown, limits: StorableLimits): StorableJson {
  if (isStorable(value, limits)) return { value, amendments: [] };
  return new Repair(limits).run(value);
}

function isStorable(root: unknown, limits: StorableLimits): boolean {
  const values: unknown[] = [root];
  const depths: number[] = [0];
  let count = 0;
  let chars = 0;
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (++count > limits.maxValues) return false;
    if (typeof value === 'string') {
      if (!isSafeString(value, limits)) return false;
      chars += value.length;
    } else if (typeof value === 'object' && value !== null) {
      if (depth >= limits.maxDepth) return false;
      if (Array.isArray(value)) {
        for (const item of value) {
          values.push(item);
          depths.push(depth + 1);
        }
      } else {
        for (const key of Object.keys(value)) {
          if (!isSafeString(key, limits)) return false;
          chars += key.length;
          values.push((value as Record<string, unknown>)[key]);
          depths.push(depth + 1);
        }
      }
    }
    if (chars > limits.maxTotalChars) return false;
  }
  return true;
}

function isSafeString(text: string, limits: StorableLimits): boolean {
  return text.length <= limits.maxStringLength && isSafeText(text);
}

/** NUL, or a surrogate that is not half of a pair (a pair is a legitimate character). */
function hasUnsafeChar(text: string): boolean {
  LONE_SURROGATE.lastIndex = 0;
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/** NUL and lone surrogates replaced by U+FFFD. */
export function toSafeText(text: string): string {
  return text.replace(NUL, '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
}

/** Whether PostgreSQL can store the text as it is (no NUL, no lone surrogate). */
export function isSafeText(text: string): boolean {
  return !(UNSAFE_CHAR.test(text) && hasUnsafeChar(text));
}

interface Frame {
  value: unknown;
  depth: number;
  path: string;
  assign: (value: unknown) => void;
}

class Repair {
  private readonly amendments: string[] = [];
  private unlisted = 0;
  /** Values copied or reserved for copying so far (the root is one). */
  private values = 1;
  private chars = 0;

  constructor(private readonly limits: StorableLimits) {}

  run(root: unknown): StorableJson {
    let result: unknown = null;
    const stack: Frame[] = [
      {
        value: root,
        depth: 0,
        path: 'raw',
        assign: (value) => {
          result = value;
        },
      },
    ];
    while (stack.length > 0) this.visit(stack.pop()!, stack);
    if (this.unlisted > 0) this.amendments.push(`… and ${this.unlisted} more changes`);
    return { value: result, amendments: this.amendments };
  }

  private visit(frame: Frame, stack: Frame[]): void {
    const { value, depth, path, assign } = frame;
    if (typeof value === 'string') {
      assign(this.text(value, path));
      return;
    }
    if (typeof value !== 'object' || value === null) {
      assign(value);
      return;
    }
    if (depth >= this.limits.maxDepth) {
      assign(this.removed(path, `nested deeper than ${this.limits.maxDepth} levels`));
      return;
    }
    // Children past the value budget are cut here, in one marker, rather than one by one.
    const room = Math.max(0, this.limits.maxValues - this.values);
    const size = Array.isArray(value) ? value.length : Object.keys(value).length;
    if (room === 0 && size > 0) {
      assign(this.cut(path, size));
      return;
    }
    if (Array.isArray(value)) {
      const kept = Math.min(value.length, room);
      this.values += kept;
      const copy: unknown[] = new Array<unknown>(kept).fill(null);
      if (kept < value.length) copy.push(this.cut(path, value.length - kept));
      assign(copy);
      for (let index = kept - 1; index >= 0; index--) {
        stack.push({
          value: value[index],
          depth: depth + 1,
          path: `${path}[${index}]`,
          assign: (item) => {
            copy[index] = item;
          },
        });
      }
      return;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    const copy: Record<string, unknown> = {};
    assign(copy);
    const children: Frame[] = [];
    this.values += Math.min(entries.length, room);
    for (const [key, child] of entries.slice(0, room)) {
      const safeKey = this.uniqueKey(copy, this.text(key, `${path} key ${pathKey(key)}`));
      // Own data property even for `__proto__`: plain assignment would set the prototype.
      define(copy, safeKey, null);
      children.push({
        value: child,
        depth: depth + 1,
        path: `${path}.${pathKey(safeKey)}`,
        assign: (item) => {
          copy[safeKey] = item;
        },
      });
    }
    if (entries.length > room) {
      define(copy, this.uniqueKey(copy, '…'), this.cut(path, entries.length - room));
    }
    for (let index = children.length - 1; index >= 0; index--) stack.push(children[index]);
  }

  private cut(path: string, count: number): string {
    return this.removed(path, `${count} more values past ${this.limits.maxValues}`);
  }

  private text(value: string, path: string): string {
    let text = value;
    if (!isSafeText(text)) {
      text = toSafeText(text);
      this.amend(`${path}: NUL characters or lone surrogates replaced by U+FFFD`);
    }
    const budget = Math.max(0, this.limits.maxTotalChars - this.chars);
    const keep = Math.min(this.limits.maxStringLength, budget);
    if (text.length > keep) {
      text = `${headOf(text, keep)}…[${value.length} characters]`;
      this.amend(`${path}: truncated from ${value.length} characters`);
    }
    this.chars += text.length;
    return text;
  }

  private removed(path: string, why: string): string {
    this.amend(`${path}: removed, ${why}`);
    return `[removed: ${why}]`;
  }

  /** Two keys may clean to the same text; the later one gets a suffix rather than vanish. */
  private uniqueKey(target: Record<string, unknown>, key: string): string {
    if (!Object.hasOwn(target, key)) return key;
    let n = 2;
    while (Object.hasOwn(target, `${key}~${n}`)) n++;
    return `${key}~${n}`;
  }

  private amend(note: string): void {
    if (this.amendments.length < MAX_AMENDMENTS_LISTED) this.amendments.push(note);
    else this.unlisted++;
  }
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** The first `length` code units, never ending on half of a surrogate pair. */
export function headOf(text: string, length: number): string {
  const head = text.slice(0, length);
  const last = head.charCodeAt(head.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? head.slice(0, -1) : head;
}

/** A key as shown in an amendment path: short and printable. */
function pathKey(key: string): string {
  const shown = key.length > 40 ? `${headOf(key, 40)}…` : key;
  return JSON.stringify(toSafeText(shown)).slice(1, -1);
}
