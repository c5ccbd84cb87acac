import { ValidateIf } from 'class-validator';

/**
 * Like `IsOptional`, but only an absent field is skipped: `null` is validated like any other
 * value, and refused by the field's own rules, for fields that cannot be null.
 */
export const OptionalField = (): PropertyDecorator =>
  ValidateIf((_object, value: unknown) => value !== undefined);
