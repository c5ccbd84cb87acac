import { Transform } from 'class-transformer';

/**
 * A Date or number read from a string (or a number): anything else is left as it came, for
 * the field's own validator to refuse by name. class-transformer's `@Type(() => Date)` calls
 * `new Date(value)` on whatever it gets, and an object whose `toString` is not a function makes
 * that throw before validation can name the field.
 */
const readable = (value: unknown): value is string | number =>
  typeof value === 'string' || typeof value === 'number';

export const AsDate = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (readable(value) ? new Date(value) : value));

export const AsNumber = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (readable(value) ? Number(value) : value));
