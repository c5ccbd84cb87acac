import {
  type ArgumentMetadata,
  BadRequestException,
  HttpException,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';

export interface FieldProblem {
  field: string;
  reason: string;
}

/** A key as a field name; one that is blank or not a plain word is quoted, so it shows. */
const fieldName = (key: string): string => (/^[\w$-]+$/.test(key) ? key : JSON.stringify(key));

/** Flattens nested class-validator errors into `field.path: reason` entries. */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const property = fieldName(error.property);
    const field = parent ? `${parent}.${property}` : property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

const NUL_REASON = 'must not contain the NUL character (\\u0000)';

/**
 * Where a value holds NUL, in a string or a key: PostgreSQL's text cannot store it. `field`
 * names the value; '' for the body itself, whose keys are then named alone.
 */
function nulProblems(value: unknown, field: string, depth = 0): FieldProblem[] {
  if (typeof value === 'string')
    return value.includes('\u0000') ? [{ field, reason: NUL_REASON }] : [];
  // Deeper than any body the API takes: the DTOs refuse it on their own.
  if (typeof value !== 'object' || value === null || depth > 32) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const name = fieldName(key);
    const path = Array.isArray(value) ? `${field}[${key}]` : field ? `${field}.${name}` : name;
    return [
      ...(key.includes('\u0000') ? [{ field: path, reason: NUL_REASON }] : []),
      ...nulProblems(item, path, depth + 1),
    ];
  });
}

function badRequest(details: FieldProblem[]): BadRequestException {
  return new BadRequestException({
    error: 'Bad Request',
    message: details.map((problem) => `${problem.field}: ${problem.reason}`).join('; '),
    details,
  });
}

/**
 * Whitelisting validation whose 400 names every bad field and why. NUL in a path, a query or a
 * body read into a DTO is refused first: nothing downstream could store it. A body taken as it
 * comes (pushed events, rules) is left to its own validation, which makes NUL safe or names it.
 */
class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body' || this.toValidate(metadata)) {
      const root =
        typeof value === 'string' ? (metadata.data ?? metadata.type) : (metadata.data ?? '');
      const nul = nulProblems(value, root);
      if (nul.length) throw badRequest(nul);
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof HttpException) throw error;
      // A value whose shape broke a transformation: the request's fault, never a 5xx.
      const where = metadata.data ?? metadata.type;
      throw badRequest([{ field: where, reason: 'could not be read as the type it takes' }]);
    }
  }
}

export function apiValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => badRequest(fieldProblems(errors)),
  });
}
