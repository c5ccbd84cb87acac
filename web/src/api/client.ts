import createClient from 'openapi-fetch';
import { session } from '../auth/session';
import type { paths } from './schema';

/** An error answer of the API: `{statusCode, error, message, details?}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }

  /** Field-level problems (`[{field, reason}]`) when the API gave them. */
  fieldErrors(): Array<{ field: string; reason: string }> {
    if (!Array.isArray(this.details)) return [];
    return this.details.filter(
      (d): d is { field: string; reason: string } =>
        typeof d === 'object' &&
        d !== null &&
        typeof (d as { field?: unknown }).field === 'string' &&
        typeof (d as { reason?: unknown }).reason === 'string',
    );
  }
}

export const api = createClient<paths>({ baseUrl: window.location.origin });

api.use({
  onRequest({ request }) {
    const key = session.key();
    if (key) request.headers.set('Authorization', `Bearer ${key}`);
    return request;
  },
  onResponse({ response }) {
    // A revoked or unknown key: back to sign-in, saying why.
    if (response.status === 401 && session.key()) {
      session.end('Your API key is no longer accepted (revoked or unknown). Sign in again.');
    }
    return response;
  },
});

/** The data of an openapi-fetch answer, or an ApiError carrying the API's message. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const body = (error ?? {}) as { message?: unknown; details?: unknown };
  const message =
    typeof body.message === 'string'
      ? body.message
      : `${response.status} ${response.statusText || 'error'}`;
  throw new ApiError(response.status, message, body.details);
}
