import request from 'supertest';
import { startTestApp } from './support/test-app';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

interface ApiKeyAnswer {
  id: string;
  name: string;
  role: string;
  prefix: string;
  active: boolean;
  secret?: string;
}

describe('API keys and roles (e2e)', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());
  const asAdmin = (req: request.Test) => req.set('Authorization', `Bearer ${t.adminKey}`);

  async function createKey(name: string, role: string): Promise<Required<ApiKeyAnswer>> {
    const res = await asAdmin(http().post('/api/v1/api-keys')).send({ name, role }).expect(201);
    return res.body as Required<ApiKeyAnswer>;
  }

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('refuses a request without a key', async () => {
    const res = await http().get('/api/v1/api-keys').expect(401);
    expect(res.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Missing API key: send Authorization: Bearer <key>',
    });
  });

  it('refuses an unknown key', async () => {
    const res = await http()
      .get('/api/v1/api-keys')
      .set('Authorization', 'Bearer vw_not-a-real-key')
      .expect(401);
    expect(res.body).toMatchObject({ statusCode: 401, message: 'Invalid or revoked API key' });
  });

  it('refuses a viewer on an admin route', async () => {
    const viewer = await createKey('dashboards', 'viewer');
    const res = await http()
      .get('/api/v1/api-keys')
      .set('Authorization', `Bearer ${viewer.secret}`)
      .expect(403);
    expect(res.body).toMatchObject({
      statusCode: 403,
      error: 'Forbidden',
      message: 'This action needs the admin role; this key has viewer',
    });
  });

  it('shows a new secret once, and never in listings', async () => {
    const created = await createKey('grafana', 'viewer');
    expect(created).toMatchObject({ name: 'grafana', role: 'viewer', active: true });
    expect(created.secret).toMatch(/^vw_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.secret.slice(0, created.prefix.length));

    const list = await asAdmin(http().get('/api/v1/api-keys')).expect(200);
    const listed = (list.body as ApiKeyAnswer[]).find((key) => key.id === created.id);
    expect(listed).toMatchObject({ id: created.id, name: 'grafana', role: 'viewer' });
    expect(listed).not.toHaveProperty('secret');
    expect(list.text).not.toContain(created.secret);
    expect(list.text).not.toContain(t.adminKey);
    expect(list.text).not.toMatch(/key_?hash/i);
  });

  it('validates the body of a new key', async () => {
    const res = await asAdmin(http().post('/api/v1/api-keys'))
      .send({ name: ' ', role: 'owner', extra: 1 })
      .expect(400);
    const body = res.body as { statusCode: number; error: string; message: string };
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(body.message).toContain('role');
    expect(body.message).toContain('name');
  });

  it('stops a key from working once it is revoked', async () => {
    const responder = await createKey('on-call', 'responder');
    await http()
      .get('/api/v1/api-keys')
      .set('Authorization', `Bearer ${responder.secret}`)
      .expect(403);

    const revoked = await asAdmin(http().delete(`/api/v1/api-keys/${responder.id}`)).expect(200);
    expect(revoked.body).toMatchObject({ id: responder.id, active: false });
    expect(revoked.body).not.toHaveProperty('secret');

    const res = await http()
      .get('/api/v1/api-keys')
      .set('Authorization', `Bearer ${responder.secret}`)
      .expect(401);
    expect(res.body).toMatchObject({ message: 'Invalid or revoked API key' });
  });

  it('answers 404 for an unknown key and 400 for a malformed id', async () => {
    await asAdmin(http().delete('/api/v1/api-keys/00000000-0000-4000-8000-000000000000')).expect(
      404,
    );
    await asAdmin(http().delete('/api/v1/api-keys/not-a-uuid')).expect(400);
  });

  it('refuses to revoke the last active admin key', async () => {
    const list = await asAdmin(http().get('/api/v1/api-keys')).expect(200);
    const admins = (list.body as ApiKeyAnswer[]).filter((k) => k.role === 'admin' && k.active);
    expect(admins).toHaveLength(1);
    const res = await asAdmin(http().delete(`/api/v1/api-keys/${admins[0].id}`)).expect(409);
    expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });

    const second = await createKey('second-admin', 'admin');
    await asAdmin(http().delete(`/api/v1/api-keys/${second.id}`)).expect(200);
  });
});
