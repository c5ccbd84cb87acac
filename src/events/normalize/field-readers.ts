/** A field failed validation. The message names the field: "user.uuid: must be a string". */
export class FieldError extends Error {
  override readonly name = 'FieldError';
}

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Paths are passed as literals by callers so the happy path never builds strings.

/** Absent (undefined or null: producers use both) gives null; anything but an object throws. */
export function optObject(value: unknown, path: string): JsonObject | null {
  if (value === undefined || value === null) return null;
  if (isJsonObject(value)) return value;
  throw new FieldError(`${path}: must be an object`);
}

/** Absent or empty gives null: an empty string carries nothing to join or match on. */
export function optString(value: unknown, path: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') return value;
  throw new FieldError(`${path}: must be a string`);
}

export function requiredString(value: unknown, path: string): string {
  if (value === undefined || value === null) throw new FieldError(`${path}: missing`);
  if (typeof value !== 'string') throw new FieldError(`${path}: must be a string`);
  if (value === '') throw new FieldError(`${path}: must not be empty`);
  return value;
}

/** A finite number within [-limit, limit], or null when absent. */
export function optCoordinate(value: unknown, path: string, limit: number): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new FieldError(`${path}: must be a finite number`);
  }
  if (value < -limit || value > limit) {
    throw new FieldError(`${path}: out of range [-${String(limit)}, ${String(limit)}]`);
  }
  return value;
}

export function upper(value: string | null): string | null {
  return value === null ? null : value.toUpperCase();
}

export function lower(value: string | null): string | null {
  return value === null ? null : value.toLowerCase();
}
