import { FakeSlackApi } from '../simulator/fake-slack';
import { SmtpCatcher } from '../simulator/smtp-catcher';
import { channelsEnv } from './support/channels-env';
import { itemUsage, opId } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const CHANNEL = '#security-alerts';
const ACME = opId('account', 201);
const GLOBEX = opId('account', 202);

interface IncidentSummary {
  id: string;
  title: string;
  ruleId: string;
  accountId: string | null;
  actorId: string | null;
  alertCount: number;
}

/**
 * One install watching two 1Password accounts, where the same user uuid exists in both (as
 * when a person is a member of two accounts): events pushed as the Events API gives them,
 * with their `account_uuid`, go through the real detection, incidents and channels.
 */
describe('several 1Password accounts', () => {
  const slack = new FakeSlackApi();
  const smtp = new SmtpCatcher();
  let t: TestApp;
  let events = 0;
  const ada = { uuid: opId('user', 900), name: 'Ada', email: 'ada@example.com' };
  const start = Date.now() - 5 * 60_000;
  const rules = { all: '', acme: '', five: '' };

  const as = () => ({ authorization: `Bearer ${t.adminKey}` });
  /** `n` reveals by ada in one account, a few seconds apart. */
  const reveals = async (account: string, n: number) => {
    const body = Array.from({ length: n }, () => {
      events += 1;
      return itemUsage(events, new Date(start + events * 1000), {
        uuid: opId('accounts-reveal', events),
        user: ada,
        account_uuid: account,
      });
    });
    await t.http().post('/api/v1/events').set(as()).send(body).expect(200);
  };
  const detected = () =>
    waitFor('every batch detected', async () => {
      const [row] = await t.sql<{ n: string }>(
        `SELECT count(*) AS n FROM ingest_batches WHERE detected_at IS NULL`,
      );
      return row.n === '0';
    });
  const incidents = async (query: Record<string, string>): Promise<IncidentSummary[]> => {
    const page = await t.http().get('/api/v1/incidents').query(query).set(as()).expect(200);
    return page.body.items as IncidentSummary[];
  };
  const createRule = async (name: string, extra: Record<string, unknown> = {}) => {
    const created = await t
      .http()
      .post('/api/v1/rules')
      .set(as())
      .send({
        name,
        kind: 'threshold',
        severity: 'high',
        streams: ['item_usage'],
        filter: { field: 'action', op: 'eq', value: 'reveal' },
        groupBy: ['actorId'],
        params: { windowSeconds: 600, threshold: 3 },
        ...extra,
      })
      .expect(201);
    return created.body.id as string;
  };

  beforeAll(async () => {
    await slack.start();
    await smtp.start();
    t = await startTestApp(channelsEnv(slack, smtp, CHANNEL));
    rules.all = await createRule('Reveal burst');
    rules.acme = await createRule('Acme reveal burst', { accounts: [ACME] });
    // Crossed only by the reveals of the last test.
    rules.five = await createRule('Five reveals', {
      params: { windowSeconds: 600, threshold: 5 },
    });
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([slack.stop(), smtp.stop()]);
  });

  it('counts the same user uuid in two accounts as two actors, with two baselines', async () => {
    // Two reveals in each account: four by the same uuid, but three in neither account.
    await reveals(ACME, 2);
    await reveals(GLOBEX, 2);
    await detected();
    expect(await incidents({ rule: rules.all })).toEqual([]);

    const ambiguous = await t.http().get(`/api/v1/baselines/${ada.uuid}`).set(as()).expect(409);
    expect(ambiguous.body.message).toContain('?account=');
    for (const account of [ACME, GLOBEX]) {
      const baseline = await t
        .http()
        .get(`/api/v1/baselines/${ada.uuid}`)
        .query({ account })
        .set(as())
        .expect(200);
      expect(baseline.body).toMatchObject({ accountId: account, eventCount: 2 });
    }
  });

  it('fires for the account whose actor crossed the threshold, and a scoped rule only for its accounts', async () => {
    await reveals(ACME, 1);
    await detected();
    const [inAcme] = await incidents({ rule: rules.all });
    expect(inAcme).toMatchObject({ accountId: ACME, actorId: ada.uuid, alertCount: 1 });
    expect(inAcme.title).toBe('Reveal burst: ada@example.com');
    expect(await incidents({ rule: rules.acme })).toEqual([
      expect.objectContaining({ accountId: ACME }),
    ]);

    await reveals(GLOBEX, 1);
    await detected();
    const all = await incidents({ rule: rules.all });
    expect(all.map((incident) => incident.accountId).sort()).toEqual([ACME, GLOBEX].sort());
    // The scoped rule never judges the other account's events.
    expect(await incidents({ rule: rules.acme })).toHaveLength(1);
  });

  it('filters incidents by account, and lists the accounts that have incidents', async () => {
    const acme = await incidents({ account: ACME });
    expect(acme.length).toBeGreaterThanOrEqual(2);
    expect(acme.every((incident) => incident.accountId === ACME)).toBe(true);
    const globex = await incidents({ account: GLOBEX, rule: rules.all });
    expect(globex).toEqual([expect.objectContaining({ accountId: GLOBEX })]);
    expect(await incidents({ account: opId('account', 299) })).toEqual([]);

    const bad = await t.http().get('/api/v1/incidents').query({ account: 'acme' }).set(as());
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('account must be a 1Password account id');

    const accounts = await t.http().get('/api/v1/incidents/accounts').set(as()).expect(200);
    expect(accounts.body.accounts).toEqual(expect.arrayContaining([ACME, GLOBEX]));
  });

  it('names the account in the Slack message and the email, and the rule once', async () => {
    const [globex] = await incidents({ account: GLOBEX, rule: rules.all });
    const posted = () =>
      slack
        .messages(CHANNEL)
        .filter((message) => !message.threadTs && message.text.includes('Reveal burst'));
    const mails = () => smtp.messages.filter((mail) => mail.raw.includes(`incident-${globex.id}`));
    const about = () =>
      posted().find((message) =>
        JSON.stringify(message.blocks).includes(`/incidents/${globex.id}`),
      );
    // Slack paces posts to one channel: the third incident's message may come last.
    await waitFor(
      'the Slack message and the email',
      () => !!about() && mails().length >= 1,
      60_000,
    );

    const aboutGlobex = about();
    expect(aboutGlobex?.text).toContain(`Reveal burst: ada@example.com in account ${GLOBEX}`);
    expect(aboutGlobex?.text.split('Reveal burst')).toHaveLength(2);
    expect(JSON.stringify(aboutGlobex?.blocks)).toContain(`*Account:* ${GLOBEX}`);

    const [mail] = mails();
    expect(mail.subject).toBe(`[HIGH] Reveal burst: ada@example.com in account ${GLOBEX}`);
    expect(mail.text).toContain(`Account: ${GLOBEX}`);
  }, 90_000);

  it('silences one account without muting the other', async () => {
    const rule = rules.five;
    const refused = await t
      .http()
      .post('/api/v1/silences')
      .set(as())
      .send({
        matchers: { accounts: ['acme'] },
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        comment: 'acme maintenance',
      });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain(
      'each of accounts must be a 1Password account id',
    );
    await t
      .http()
      .post('/api/v1/silences')
      .set(as())
      .send({
        matchers: { accounts: [ACME], rules: [rule] },
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        comment: 'acme maintenance',
      })
      .expect(201);

    await reveals(ACME, 3);
    await reveals(GLOBEX, 3);
    await detected();
    const latest = await t.sql<{ account_id: string; muted_reason: string | null }>(
      `SELECT DISTINCT ON (i.account_id) i.account_id, a.muted_reason
       FROM alerts a JOIN incidents i ON i.id = a.incident_id
       WHERE a.rule_id = $1 ORDER BY i.account_id, a.id DESC`,
      [rule],
    );
    expect(Object.fromEntries(latest.map((row) => [row.account_id, row.muted_reason]))).toEqual({
      [ACME]: 'silenced',
      [GLOBEX]: null,
    });
  });
});
