import { IncidentTimersService } from '../src/incidents/incident-timers.service';
import { auditEvent, opId } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const mfaDisabled = (admin: number, at = new Date()) =>
  auditEvent(admin, at, {
    action: 'disblmfa',
    object_type: 'account',
    actor_uuid: opId('admin', admin),
    actor_details: {
      uuid: opId('admin', admin),
      name: `Admin ${admin}`,
      email: `admin${admin}@example.com`,
    },
  });

describe('incidents over REST', () => {
  let t: TestApp;
  const as = () => ({ authorization: `Bearer ${t.adminKey}` });
  const list = (query: Record<string, string | number>) =>
    t.http().get('/api/v1/incidents').query(query).set(as());

  beforeAll(async () => {
    t = await startTestApp();
    const events = [1, 2, 3, 4, 5].map((admin) => mfaDisabled(admin));
    await t.http().post('/api/v1/events').set(as()).send(events).expect(200);
    await waitFor('five incidents', async () => (await list({})).body.items.length === 5);
  });

  afterAll(async () => {
    await t.close();
  });

  it('pages newest first with a cursor, and filters', async () => {
    const first = await list({ limit: 2 }).expect(200);
    const second = await list({ limit: 2, cursor: first.body.nextCursor as string }).expect(200);
    const third = await list({ limit: 2, cursor: second.body.nextCursor as string }).expect(200);
    const ids = [...first.body.items, ...second.body.items, ...third.body.items].map(
      (incident: { id: string }) => Number(incident.id),
    );
    expect(ids).toHaveLength(5);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect(third.body.nextCursor).toBeNull();

    const byActor = await list({ actor: opId('admin', 3).toLowerCase() }).expect(200);
    expect(byActor.body.items).toHaveLength(1);
    expect(byActor.body.items[0].actorLabel).toBe('admin3@example.com');
    expect((await list({ severity: 'critical' })).body.items).toHaveLength(0);
    expect((await list({ severity: 'high', status: 'triggered' })).body.items).toHaveLength(5);
    expect(
      (await list({ since: new Date(Date.now() + 60_000).toISOString() })).body.items,
    ).toHaveLength(0);

    await list({ cursor: 'not-a-cursor' }).expect(400);
    const bad = await list({ status: 'sleeping' }).expect(400);
    expect(bad.body.message).toContain('status must be one of');
    await t.http().get('/api/v1/incidents/999999').set(as()).expect(404);
  });

  it('resolves, then opens a new incident linked to the resolved one for the next alert', async () => {
    const [incident] = (await list({ actor: opId('admin', 4) })).body.items as Array<{
      id: string;
    }>;
    const resolved = await t
      .http()
      .post(`/api/v1/incidents/${incident.id}/resolve`)
      .set(as())
      .send({ note: 'approved change' })
      .expect(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolvedBy: 'bootstrap-admin' });

    await t
      .http()
      .post('/api/v1/events')
      .set(as())
      .send(
        [mfaDisabled(40, new Date())].map((e) => ({
          ...e,
          actor_uuid: opId('admin', 4),
          uuid: opId('again', 4),
        })),
      )
      .expect(200);
    await waitFor(
      'a second incident for admin 4',
      async () => (await list({ actor: opId('admin', 4) })).body.items.length === 2,
    );
    const [newest] = (await list({ actor: opId('admin', 4) })).body.items as Array<{
      id: string;
      previousIncidentId: string;
      status: string;
    }>;
    expect(newest).toMatchObject({ status: 'triggered', previousIncidentId: incident.id });
    await t.http().post(`/api/v1/incidents/${incident.id}/reopen`).set(as()).send({}).expect(409);
  });

  it('reminds about a triggered incident nobody acknowledged after the repeat interval', async () => {
    const [incident] = (await list({ actor: opId('admin', 5) })).body.items as Array<{
      id: string;
    }>;
    await t.sql(
      `UPDATE incidents SET last_notified_at = now() - interval '5 hours' WHERE id = $1`,
      [incident.id],
    );
    await t.app.get(IncidentTimersService).tick();
    const detail = await t.http().get(`/api/v1/incidents/${incident.id}`).set(as()).expect(200);
    expect((detail.body.timeline as Array<{ kind: string }>).map((entry) => entry.kind)).toEqual([
      'opened',
      'reminder',
    ]);
    await t.app.get(IncidentTimersService).tick();
    const again = await t.http().get(`/api/v1/incidents/${incident.id}`).set(as()).expect(200);
    expect(again.body.timeline).toHaveLength(2);
  });

  it('keeps a note as it was written, a lone surrogate made U+FFFD as text stores it', async () => {
    const [incident] = (await list({ actor: opId('admin', 2) })).body.items as Array<{
      id: string;
    }>;
    const note = 'reviewed <b>"ok"</b> \\ \ud800 by ada';
    await t
      .http()
      .post(`/api/v1/incidents/${incident.id}/acknowledge`)
      .set(as())
      .send({ note })
      .expect(200);
    const detail = await t.http().get(`/api/v1/incidents/${incident.id}`).set(as()).expect(200);
    const entries = detail.body.timeline as Array<{ kind: string; note: string | null }>;
    expect(entries.at(-1)).toMatchObject({
      kind: 'acknowledged',
      note: 'reviewed <b>"ok"</b> \\ \ufffd by ada',
    });
  });

  it('lets a viewer read incidents but not act on them', async () => {
    const viewer = await t
      .http()
      .post('/api/v1/api-keys')
      .set(as())
      .send({ name: 'reader', role: 'viewer' })
      .expect(201);
    const key = { authorization: `Bearer ${viewer.body.secret as string}` };
    const [incident] = (await list({})).body.items as Array<{ id: string }>;
    await t.http().get(`/api/v1/incidents/${incident.id}`).set(key).expect(200);
    await t
      .http()
      .post(`/api/v1/incidents/${incident.id}/acknowledge`)
      .set(key)
      .send({})
      .expect(403);
  });
});
