/**
 * The parts of a thrown value that are safe and useful to report. Duck-typed on purpose:
 * errors from Node's own sockets and fetch may come from another realm (Jest's sandbox, a
 * worker), where `instanceof Error` is false although they are errors.
 */
export interface ErrorDetails {
  name: string;
  message: string;
  /** `code` of the error, else of its cause (ECONNREFUSED, ETIMEDOUT, …). */
  code: string | undefined;
}

export function errorDetails(error: unknown): ErrorDetails {
  if (!isObject(error)) return { name: 'Error', message: String(error), code: undefined };
  const cause = isObject(error.cause) ? error.cause : undefined;
  return {
    name: typeof error.name === 'string' ? error.name : 'Error',
    message: typeof error.message === 'string' ? error.message : '',
    code: stringField(error, 'code') ?? (cause ? stringField(cause, 'code') : undefined),
  };
}

/** "name: message (CODE)" on one line, capped. */
export function errorSummary(error: unknown, max = 300): string {
  const { name, message, code } = errorDetails(error);
  const text = `${name}: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`;
  const line = text.replace(/[\r\n\t]+/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function stringField(value: Record<string, unknown>, key: string): string | undefined {
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}
