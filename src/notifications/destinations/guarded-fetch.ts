import type { FetchFunction } from '@slack/web-api';
import type { DestinationGuard } from './destination-guard';
import { guardedRequest } from './guarded-request';

type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/** Slack answers are small JSON documents; anything larger is not Slack. */
const MAX_ANSWER_BYTES = 1_000_000;

/**
 * A `fetch` for clients that accept one (the Slack Web API client): string bodies only,
 * through the destination guard, no redirects.
 */
export function guardedFetch(guard: DestinationGuard): FetchFunction {
  return async (url, init = {}) => {
    if (init.body !== undefined && typeof init.body !== 'string')
      throw new TypeError('guardedFetch sends string bodies only');
    const answer = await guardedRequest(new URL(url), {
      method: init.method ?? 'GET',
      headers: init.headers ?? {},
      body: init.body ?? '',
      signal: init.signal ?? AbortSignal.timeout(10_000),
      guard,
      maxBodyBytes: MAX_ANSWER_BYTES,
    });
    const headers = Object.entries(answer.headers).flatMap(
      ([name, value]): Array<[string, string]> =>
        value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]],
    );
    const text = answer.body.toString('utf8');
    const response: FetchResponse = {
      ok: answer.status >= 200 && answer.status < 300,
      status: answer.status,
      statusText: answer.statusText,
      url: String(url),
      headers: {
        get: (name) => headers.find(([key]) => key === name.toLowerCase())?.[1] ?? null,
        entries: () => headers,
      },
      arrayBuffer: () =>
        Promise.resolve(
          answer.body.buffer.slice(
            answer.body.byteOffset,
            answer.body.byteOffset + answer.body.byteLength,
          ) as ArrayBuffer,
        ),
      json: () => Promise.resolve(JSON.parse(text) as unknown),
      text: () => Promise.resolve(text),
    };
    return response;
  };
}
