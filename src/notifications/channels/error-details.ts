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

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ETIMEOUT',
  'ECONNABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);

/**
 * The first error in a chain of wrappers (`cause`, Slack's `original`) that carries `code`.
 * HTTP and SMTP clients wrap a socket's error, sometimes twice.
 */
export function findErrorWithCode(error: unknown, code: string): Error | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && isObject(current); depth += 1) {
    if (current.code === code && current instanceof Error) return current;
    current = current.cause ?? current.original;
  }
  return undefined;
}

/** A failure to reach the peer, by its kind: `timeout` or `connection_failed`. */
export function networkErrorClass(error: unknown): 'timeout' | 'connection_failed' {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && isObject(current); depth += 1) {
    const { name, code } = errorDetails(current);
    if (name === 'TimeoutError' || name === 'AbortError' || (code && TIMEOUT_CODES.has(code)))
      return 'timeout';
    current = current.cause ?? current.original;
  }
  return 'connection_failed';
}
