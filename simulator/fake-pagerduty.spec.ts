import { FakePagerDuty } from './fake-pagerduty';

const KEY = 'a'.repeat(32);

describe('FakePagerDuty', () => {
  const fake = new FakePagerDuty(new Set([KEY]));

  beforeAll(async () => {
    await fake.start();
  });

  afterAll(async () => {
    await fake.stop();
  });

  const post = async (body: unknown) => {
    const answer = await fetch(fake.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return {
      status: answer.status,
      headers: answer.headers,
      body: await answer.json(),
    };
  };
  const trigger = (dedupKey?: string) => ({
    routing_key: KEY,
    event_action: 'trigger',
    ...(dedupKey ? { dedup_key: dedupKey } : {}),
    payload: { summary: 'Bulk export', source: 'alice@example.com', severity: 'error' },
  });

  it('accepts an event with 202 and its dedup key, generating one when none is given', async () => {
    await expect(post(trigger('incident-1'))).resolves.toMatchObject({
      status: 202,
      body: { status: 'success', message: 'Event processed', dedup_key: 'incident-1' },
    });
    const generated = await post(trigger());
    expect(generated.body).toMatchObject({ dedup_key: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(fake.alert('incident-1')).toMatchObject({ status: 'triggered', severity: 'error' });
  });

  it('acknowledges and resolves an alert by its dedup key; a trigger opens a resolved one again', async () => {
    await post({ routing_key: KEY, event_action: 'acknowledge', dedup_key: 'incident-2' });
    expect(fake.alert('incident-2')).toBeUndefined();
    await post(trigger('incident-2'));
    await post({ routing_key: KEY, event_action: 'acknowledge', dedup_key: 'incident-2' });
    expect(fake.alert('incident-2')?.status).toBe('acknowledged');
    await post(trigger('incident-2'));
    expect(fake.alert('incident-2')?.status).toBe('acknowledged');
    await post({ routing_key: KEY, event_action: 'resolve', dedup_key: 'incident-2' });
    expect(fake.alert('incident-2')?.status).toBe('resolved');
    await post(trigger('incident-2'));
    expect(fake.alert('incident-2')?.status).toBe('triggered');
  });

  it.each([
    ['not JSON', '{', 'Malformed JSON'],
    ['a short routing key', { ...trigger(), routing_key: 'short' }, "Length of 'routing_key'"],
    [
      'an unknown routing key',
      { ...trigger(), routing_key: 'b'.repeat(32) },
      'Invalid routing key',
    ],
    ['an unknown action', { ...trigger(), event_action: 'page' }, "'event_action' is invalid"],
    [
      'a resolve without dedup key',
      { routing_key: KEY, event_action: 'resolve' },
      "'dedup_key' is required",
    ],
    [
      'a trigger without payload',
      { routing_key: KEY, event_action: 'trigger' },
      "'payload' is missing",
    ],
    [
      'a bad severity',
      { ...trigger(), payload: { summary: 's', source: 's', severity: 'high' } },
      "'payload.severity' is invalid",
    ],
    ['links without href', { ...trigger(), links: [{ text: 'x' }] }, "'links' must be"],
  ])('refuses %s with 400 and PagerDuty’s error body', async (_case, body, error) => {
    const before = fake.events.length;
    const answer = await post(body);
    expect(answer).toMatchObject({
      status: 400,
      body: { status: 'invalid event', message: 'Event object is invalid' },
    });
    expect((answer.body as { errors: string[] }).errors.join('\n')).toContain(error);
    expect(fake.events).toHaveLength(before);
  });

  it('answers queued faults first, with Retry-After', async () => {
    fake.failNext(1, 429, 3);
    const limited = await post(trigger('incident-3'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(fake.alert('incident-3')).toBeUndefined();
    await expect(post(trigger('incident-3'))).resolves.toMatchObject({ status: 202 });
  });
});
