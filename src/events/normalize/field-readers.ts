import { isIP } from 'node:net';
import { headOf, isSafeText, toSafeText } from './storable-json';

/** An identifying field failed validation: "uuid: must be a string". The event is rejected. */
export class FieldError extends Error {
  override readonly name = 'FieldError';
}

export type JsonObject = Record<string, unknown>;

/** A field of a stored event that was dropped, shortened or made safe, and why. */
export interface FieldIssue {
  field: string;
  reason: string;
}

/** Ids of 1Password objects are 26 (Events API) or 36 (Connect) characters. */
export const MAX_ID_LENGTH = 128;
/** Names, emails, places, enumerations, client names. */
export const MAX_TEXT_LENGTH = 256;
export const MAX_USER_AGENT_LENGTH = 512;
export const MAX_VERSION_LENGTH = 64;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Paths are passed as literals by callers so the happy path never builds strings.

/** The event's own id: anything unusable rejects the event. */
export function requiredString(value: unknown, path: string): string {
  if (value === undefined || value === null) throw new FieldError(`${path}: missing`);
  if (typeof value !== 'string') throw new FieldError(`${path}: must be a string`);
  if (value === '') throw new FieldError(`${path}: must not be empty`);
  if (value.length > MAX_ID_LENGTH) {
    throw new FieldError(`${path}: longer than ${MAX_ID_LENGTH} characters`);
  }
  if (!isSafeText(value)) throw new FieldError(`${path}: holds NUL characters or lone surrogates`);
  return value;
}

/**
 * Reads the fields that do not identify an event. A value outside its field's domain is
 * dropped (null) and noted, never thrown: an odd field must not cost the whole event.
 */
export class FieldReader {
  readonly issues: FieldIssue[] = [];

  /** Absent (undefined or null: producers use both) gives null. */
  object(value: unknown, path: string): JsonObject | null {
    if (value === undefined || value === null) return null;
    if (isJsonObject(value)) return value;
    return this.drop(path, 'must be an object');
  }

  /**
   * Absent or empty gives null: an empty string carries nothing to join or match on. NUL
   * characters and lone surrogates become U+FFFD; a longer text keeps its first `maxLength`.
   */
  text(value: unknown, path: string, maxLength = MAX_TEXT_LENGTH): string | null {
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string') return this.drop(path, 'must be a string');
    let text = value;
    if (!isSafeText(text)) {
      text = toSafeText(text);
      this.note(path, 'NUL characters or lone surrogates replaced by U+FFFD');
    }
    if (text.length > maxLength) {
      text = headOf(text, maxLength);
      this.note(path, `truncated from ${value.length} to ${maxLength} characters`);
    }
    return text;
  }

  /** A uuid or other id of something the event refers to: never shortened, which would alias. */
  id(value: unknown, path: string): string | null {
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string') return this.drop(path, 'must be a string');
    if (value.length > MAX_ID_LENGTH) {
      return this.drop(path, `longer than ${MAX_ID_LENGTH} characters`);
    }
    if (!isSafeText(value)) return this.drop(path, 'holds NUL characters or lone surrogates');
    return value;
  }

  /** An IPv4 or IPv6 address as text; rules match it against CIDR ranges. */
  ip(value: unknown, path: string): string | null {
    const text = this.id(value, path);
    if (text === null || isIP(text) !== 0) return text;
    return this.drop(path, 'not an IP address');
  }

  /** A finite number within [-limit, limit], or null when absent. */
  coordinate(value: unknown, path: string, limit: number): number | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return this.drop(path, 'must be a finite number');
    }
    if (value < -limit || value > limit) {
      return this.drop(path, `out of range [-${String(limit)}, ${String(limit)}]`);
    }
    return value;
  }

  /** Records why a field is left out of the normalized event; its raw copy keeps the value. */
  drop(path: string, reason: string): null {
    this.note(path, reason);
    return null;
  }

  private note(field: string, reason: string): void {
    this.issues.push({ field, reason });
  }
}

export function upper(value: string | null): string | null {
  return value === null ? null : value.toUpperCase();
}

export function lower(value: string | null): string | null {
  return value === null ? null : value.toLowerCase();
}
