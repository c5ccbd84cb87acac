import type { TestApp } from './test-app';

interface Problem {
  field: string;
  reason: string;
}

/**
 * What every endpoint answers a body with: one of `allowed`, never a 5xx; a 400 says what is
 * wrong and its message names each field it lists; `secret`, when given, appears nowhere in the answer.
 */
export function expectClearAnswer(
  answer: { status: number; body: unknown; text: string },
  allowed: number[],
  secret?: string,
): void {
  expect(allowed).toContain(answer.status);
  if (secret !== undefined) expect(answer.text).not.toContain(secret);
  if (answer.status !== 400) return;
  const { message, details } = answer.body as { message: string; details?: Problem[] };
  expect(message.trim()).not.toBe('');
  for (const problem of Array.isArray(details) ? details : []) {
    expect(problem.field.trim()).not.toBe('');
    expect(message).toContain(problem.field);
  }
}

/** Sends any value as a JSON body with the admin key (undefined, which JSON lacks, as null). */
export function sendJson(t: TestApp, method: 'post' | 'patch', path: string, body: unknown) {
  const json = (JSON.stringify(body) as string | undefined) ?? 'null';
  return t
    .http()
    [method](path)
    .set('authorization', `Bearer ${t.adminKey}`)
    .set('content-type', 'application/json')
    .send(json);
}
