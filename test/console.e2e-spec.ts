import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  assertConsoleBuilt,
  browserUnavailable,
  launchChromium,
  screenshot,
  SCREENSHOT_DIR,
} from './support/browser';
import { generateScenario } from '../simulator/scenario/generate-scenario';
import type { Scenario } from '../simulator/scenario/types';
import { auditEvent, opId } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const END = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
const UI_TIMEOUT = 30_000;

interface IncidentSummary {
  id: string;
  title: string;
  status: string;
  ruleId: string;
  actorId: string | null;
}

/**
 * The built console in headless Chromium against the real service: a generated tenant is
 * pushed through POST /api/v1/events, detection opens incidents, and people work them.
 */
const skipReason = browserUnavailable();
if (skipReason !== null) console.warn(`web console tests skipped: ${skipReason}`);
const describeInBrowser = skipReason === null ? describe : describe.skip;

describeInBrowser('web console', () => {
  let scenario: Scenario;
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let admin: Page;
  let viewerKey: string;
  let viewerKeyId: string;
  let incidents: IncidentSummary[];
  const contexts: BrowserContext[] = [];

  const api = (path: string, key = t.adminKey) =>
    t.http().get(path).set('authorization', `Bearer ${key}`);

  /** A fresh browser tab: its own sessionStorage, so signed out. */
  async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport, timezoneId: 'UTC' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    return page;
  }

  async function signIn(page: Page, key: string): Promise<void> {
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  beforeAll(async () => {
    assertConsoleBuilt();
    browser = await launchChromium();
    scenario = generateScenario({
      seed: 11,
      users: 10,
      start: new Date(END - 22 * DAY_MS),
      end: new Date(END),
      connectServers: 1,
      connectTokens: 2,
    });
    t = await startTestApp({ ALERT_HORIZON: '3650d' });
    await t.app.listen(0, '127.0.0.1');
    base = await t.app.getUrl();
    base = base.replace('[::1]', '127.0.0.1');

    const events = [
      scenario.itemUsages,
      scenario.signInAttempts,
      scenario.auditEvents,
      scenario.connectActivity,
    ]
      .flat()
      .sort((a, b) => a.availableAt - b.availableAt)
      .map((event) => event.raw);
    for (let i = 0; i < events.length; i += 5000) {
      await t
        .http()
        .post('/api/v1/events')
        .set('authorization', `Bearer ${t.adminKey}`)
        .send(events.slice(i, i + 5000))
        .expect(200);
    }
    await waitFor(
      'every pushed batch detected',
      async () => {
        const [row] = await t.sql<{ pending: string }>(
          `SELECT count(*) AS pending FROM ingest_batches WHERE detected_at IS NULL`,
        );
        return row.pending === '0';
      },
      240_000,
    );
    const list = await api('/api/v1/incidents?limit=200').expect(200);
    incidents = list.body.items as IncidentSummary[];
    if (incidents.length < scenario.labels.length) {
      throw new Error(`${incidents.length} incidents for ${scenario.labels.length} attacks`);
    }

    const created = await t
      .http()
      .post('/api/v1/api-keys')
      .set('authorization', `Bearer ${t.adminKey}`)
      .send({ name: 'night-viewer', role: 'viewer' })
      .expect(201);
    viewerKey = created.body.secret as string;
    viewerKeyId = created.body.id as string;

    admin = await newPage();
  }, 360_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser.close();
    await t.close();
    process.stdout.write(`console screenshots: ${SCREENSHOT_DIR}\n`);
  });

  it('keeps API paths out of the console and serves the console on every page path', async () => {
    const unknownApi = await t.http().get('/api/v1/nothing-here').expect(404);
    expect(unknownApi.body).toMatchObject({ statusCode: 404 });
    await t.http().get('/health').expect(200);
    const page = await t.http().get(`/incidents/${incidents[0].id}`).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    await t.http().get('/assets/not-built.js').expect(404);
  });

  it('signs in with an API key and lists the injected incidents, newest first', async () => {
    await admin.goto(`${base}/`);
    await admin.getByLabel('API key').waitFor();
    await screenshot(admin, '01-sign-in');
    await signIn(admin, t.adminKey);
    expect(new URL(admin.url()).pathname).toBe('/incidents');
    const rows = admin.locator('[data-testid=incidents] tbody tr');
    await rows.first().waitFor();
    const shown = await rows.locator('td:nth-child(2) a').allTextContents();
    expect(shown).toEqual(incidents.slice(0, 25).map((i) => i.title));
    // The key is neither in the URL nor in a cookie.
    expect(admin.url()).not.toContain(t.adminKey);
    expect(await admin.context().cookies()).toEqual([]);
    await screenshot(admin, '02-incidents');
  });

  it('filters incidents by status and updates the list by itself', async () => {
    const target = incidents.find((i) => i.status === 'triggered')!;
    await t
      .http()
      .post(`/api/v1/incidents/${target.id}/resolve`)
      .set('authorization', `Bearer ${t.adminKey}`)
      .send({ note: 'closed from the API' })
      .expect(200);
    await admin.getByLabel('Status').selectOption('resolved');
    await admin.getByRole('button', { name: 'Apply' }).click();
    // The unfiltered list shows the target too (now resolved): wait for the filtered one.
    const statuses = () =>
      admin.locator('[data-testid=incidents] [data-testid=status]').allTextContents();
    await waitFor('only resolved incidents listed', async () => {
      const shown = await statuses();
      return shown.length > 0 && shown.every((status) => status === 'resolved');
    });
    await admin
      .locator('[data-testid=incidents] tbody tr', { hasText: target.title })
      .first()
      .waitFor();
    expect(new Set(await statuses())).toEqual(new Set(['resolved']));
    // Reopened elsewhere: the filtered list drops it without a reload.
    await t
      .http()
      .post(`/api/v1/incidents/${target.id}/reopen`)
      .set('authorization', `Bearer ${t.adminKey}`)
      .send({})
      .expect(200);
    await admin.getByText('No incidents match.').waitFor();
  });

  it('opens an incident from its deep link after sign-in, and acknowledges it', async () => {
    const incident = incidents.find((i) => i.status === 'triggered')!;
    const page = await newPage();
    await page.goto(`${base}/incidents/${incident.id}`);
    await page.getByLabel('API key').waitFor();
    await signIn(page, t.adminKey);
    expect(new URL(page.url()).pathname).toBe(`/incidents/${incident.id}`);
    await page.getByRole('heading', { name: incident.title }).waitFor();
    await page.locator('[data-testid=evidence] tbody tr').first().waitFor();
    await screenshot(page, '03-incident');

    await page.getByLabel(/^Note/).fill('looking into it');
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.locator('[data-testid=status]', { hasText: 'acknowledged' }).waitFor();
    const timeline = page.locator('[data-testid=timeline] li', { hasText: 'acknowledged' });
    await timeline.waitFor();
    expect(await timeline.textContent()).toContain('looking into it');
    const detail = await api(`/api/v1/incidents/${incident.id}`).expect(200);
    expect(detail.body.status).toBe('acknowledged');
    await screenshot(page, '04-incident-acknowledged');
  });

  it('creates a silence prefilled from an incident', async () => {
    const incident = incidents[0];
    await admin.goto(`${base}/incidents/${incident.id}`);
    await admin.getByRole('link', { name: 'Silence similar…' }).click();
    await admin.getByLabel('Comment').waitFor();
    expect(await admin.getByLabel(/^Rules/).inputValue()).toBe(incident.ruleId);
    await admin.getByRole('button', { name: 'Create silence' }).click();
    await admin
      .locator('[data-testid=silences] tbody tr', { hasText: `#${incident.id}` })
      .waitFor();
    const silences = await api('/api/v1/silences').expect(200);
    expect(silences.body).toEqual([
      expect.objectContaining({
        active: true,
        matchers: expect.objectContaining({ rules: [incident.ruleId] }),
      }),
    ]);
    await screenshot(admin, '05-silences');
  });

  it('draws a geo-velocity alert on a map with the implied speed', async () => {
    const travel = incidents.find((i) => /travel/i.test(i.title));
    expect(travel).toBeDefined();
    await admin.goto(`${base}/incidents/${travel!.id}`);
    await admin.locator('[data-testid=travel]').first().waitFor();
    expect(await admin.locator('[data-testid=travel]').first().textContent()).toMatch(/km\/h/);
    await admin.locator('[data-markers="2"] canvas').first().waitFor();
    await screenshot(admin, '06-incident-travel');
  });

  it("shows an actor's baseline: a heatmap cell per hour of week and action, a marker per country", async () => {
    const user = scenario.users[0];
    const baseline = await api(`/api/v1/baselines/${user.uuid}`).expect(200);
    const actions = (baseline.body.actionRates as unknown[]).length;
    const countries = (
      (baseline.body.seen as Array<{ dimension: string; values: unknown[] }>).find(
        (d) => d.dimension === 'country',
      )?.values ?? []
    ).length;
    expect(actions).toBeGreaterThan(0);
    expect(countries).toBeGreaterThan(0);

    await admin.goto(`${base}/baselines`);
    await admin.getByLabel('Actor').fill(user.email);
    await admin.getByRole('button', { name: 'Search' }).click();
    await admin.getByRole('link', { name: user.email }).click();
    await admin.getByRole('heading', { name: user.email }).waitFor();
    await admin
      .locator(`[data-cells="${actions * 168}"] [data-drawn="${actions * 168}"]`)
      .waitFor();
    await admin
      .locator(`[data-markers="${countries}"] [data-testid=country-map] canvas`)
      .first()
      .waitFor();
    expect(await admin.locator('[data-testid=seen-country] tbody tr').count()).toBe(countries);
    await screenshot(admin, '07-baseline');
  });

  it('backtests a rule over the stored events, per day', async () => {
    const rules = await api('/api/v1/rules').expect(200);
    const rule = (rules.body as Array<{ id: string; templateId: string | null }>).find(
      (r) => r.templateId === 'op.item.bulk_export',
    )!;
    const from = new Date(END - 3 * DAY_MS);
    const to = new Date(END + HOUR_MS);
    const expected = await t
      .http()
      .post(`/api/v1/rules/${rule.id}/test`)
      .set('authorization', `Bearer ${t.adminKey}`)
      .send({ from: from.toISOString(), to: to.toISOString() })
      .expect(200);
    expect(expected.body.wouldFire).toBeGreaterThan(0);

    await admin.goto(`${base}/rules/${rule.id}`);
    await admin.getByLabel('From').fill(from.toISOString().slice(0, 16));
    await admin.getByLabel('To', { exact: true }).fill(to.toISOString().slice(0, 16));
    await admin.getByRole('button', { name: 'Run backtest' }).click();
    const fired = admin.locator('[data-testid=would-fire]');
    await fired.waitFor();
    expect(Number(await fired.textContent())).toBe(expected.body.wouldFire);
    await admin.locator('[data-testid=backtest-chart] canvas').waitFor();
    await screenshot(admin, '08-rule-backtest');

    // The server's field-level validation shows next to the field.
    await admin.getByLabel('Name').fill('');
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.locator('.field-error[data-field=name]').waitFor();
  });

  it('lists rules, sources and channels', async () => {
    await admin.goto(`${base}/rules`);
    await admin.locator('[data-testid=rules] tbody tr').first().waitFor();
    const rules = await api('/api/v1/rules').expect(200);
    expect(await admin.locator('[data-testid=rules] tbody tr').count()).toBe(rules.body.length);
    await screenshot(admin, '09-rules');
    await admin.goto(`${base}/sources`);
    await admin.getByRole('heading', { name: 'Sources' }).waitFor();
    await admin
      .getByText(/No source is configured|events_api|connect/)
      .first()
      .waitFor();
    await screenshot(admin, '10-sources');
    await admin.goto(`${base}/channels`);
    await admin.getByRole('heading', { name: 'Channels' }).waitFor();
    await admin.locator('[data-testid=channels]').waitFor();
    const channels = await api('/api/v1/channels').expect(200);
    expect(await admin.locator('[data-testid=channels] tbody tr').count()).toBe(
      channels.body.length,
    );
    await screenshot(admin, '11-channels');
  });

  it('offers an account filter on the incidents list once a second account has incidents', async () => {
    await admin.goto(`${base}/incidents`);
    await admin.locator('[data-testid=incidents] tbody tr').first().waitFor();
    // With one account there is nothing to choose (how many the scenario gives depends on
    // how each source spells its account).
    const known = await api('/api/v1/incidents/accounts').expect(200);
    const accountFilter = admin.locator('form[aria-label="Filter incidents"] select[name=account]');
    const expected = known.body.accounts.length > 1 ? 1 : 0;
    await waitFor('the account filter as the accounts say', async () => {
      return (await accountFilter.count()) === expected;
    });

    // An account-wide MFA disable in a second account: the built-in match rule fires.
    const other = opId('account', 777);
    await t
      .http()
      .post('/api/v1/events')
      .set('authorization', `Bearer ${t.adminKey}`)
      .send([
        auditEvent(777, new Date(), {
          action: 'disblmfa',
          object_type: 'account',
          object_uuid: other,
          account_uuid: other,
        }),
      ])
      .expect(200);
    await waitFor('an incident in the second account', async () => {
      const page = await api(`/api/v1/incidents?account=${other}`).expect(200);
      return (page.body.items as unknown[]).length === 1;
    });

    await admin.reload();
    await accountFilter.selectOption(other);
    await admin.getByRole('button', { name: 'Apply' }).click();
    const accounts = () =>
      admin.locator('[data-testid=incidents] td[data-label=Account]').allTextContents();
    await waitFor('only the second account listed', async () => {
      const shown = await accounts();
      return shown.length === 1 && shown[0] === other;
    });
    expect(new URL(admin.url()).searchParams.get('account')).toBe(other);
    await screenshot(admin, '11b-incidents-by-account');
  });

  it('shows a viewer no Acknowledge button, and the API refuses a viewer anyway', async () => {
    const incident = incidents.find((i) => i.status === 'triggered')!;
    const page = await newPage({ width: 390, height: 844 });
    await page.goto(`${base}/incidents/${incident.id}`);
    await signIn(page, viewerKey);
    await page.getByRole('heading', { name: incident.title }).waitFor();
    await page.locator('[data-testid=read-only]').waitFor();
    expect(await page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    await screenshot(page, '12-incident-viewer-phone');
    await t
      .http()
      .post(`/api/v1/incidents/${incident.id}/acknowledge`)
      .set('authorization', `Bearer ${viewerKey}`)
      .send({})
      .expect(403);

    // A revoked key sends the open console back to sign-in, saying why.
    await t
      .http()
      .delete(`/api/v1/api-keys/${viewerKeyId}`)
      .set('authorization', `Bearer ${t.adminKey}`)
      .expect(200);
    await page.getByText(/no longer accepted/).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await screenshot(page, '13-signed-out-revoked');
  });

  it('forgets the key on sign-out', async () => {
    await admin.getByRole('button', { name: 'Sign out' }).click();
    await admin.getByLabel('API key').waitFor();
    const stored = await admin.evaluate('JSON.stringify(sessionStorage)');
    expect(stored).not.toContain(t.adminKey);
    await admin.goto(`${base}/incidents`);
    await admin.getByLabel('API key').waitFor();
  });
});
