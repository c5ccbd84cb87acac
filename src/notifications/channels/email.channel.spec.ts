import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SmtpCatcher } from '../../../simulator/smtp-catcher';
import { PermanentDeliveryError, RetryableDeliveryError } from './channel';
import {
  EmailChannel,
  type EmailChannelConfig,
  redactSmtpSecrets,
  redactSmtpUrl,
} from './email.channel';
import { DestinationGuard } from '../destinations/destination-guard';
import { INCIDENT_ID, incidentMessage } from '../../../test/support/incident-message';

/** The fakes listen on 127.0.0.1. */
const LOCAL = new DestinationGuard(true);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('EmailChannel against a real SMTP server', () => {
  let catcher: SmtpCatcher;
  let channel: EmailChannel;
  let config: EmailChannelConfig;

  beforeEach(async () => {
    catcher = new SmtpCatcher();
    await catcher.start();
    channel = new EmailChannel({ timeoutMs: 2_000, guard: LOCAL });
    config = {
      smtpUrl: catcher.url,
      from: 'vaultwatch <alerts@example.com>',
      to: ['soc@example.com', 'oncall@example.com'],
    };
  });

  afterEach(async () => {
    channel.close();
    await catcher.stop();
  });

  it('sends the first message as the thread root, with text and HTML bodies', async () => {
    const result = await channel.send(config, incidentMessage(), null);

    const [mail] = await catcher.waitForMessages(1);
    const root = `<incident-${INCIDENT_ID}@vaultwatch>`;
    expect(result).toEqual({ thread: { email: { rootMessageId: root } }, providerRef: root });
    expect(mail.messageId).toBe(root);
    expect(mail.inReplyTo).toBeNull();
    expect(mail.references).toEqual([]);
    expect(mail.subject).toBe('[HIGH] Bulk export: alice@example.com');
    expect(mail.envelope).toEqual({
      from: 'alerts@example.com',
      to: ['soc@example.com', 'oncall@example.com'],
    });
    expect(mail.headers['list-id']).toEqual(['"vaultwatch alerts" <alerts.vaultwatch>']);
    expect(mail.headers['auto-submitted']).toEqual(['auto-generated']);
    expect(mail.text).toContain('Actor: alice@example.com');
    expect(mail.text).toContain('First seen: 2025-03-03 12:00:00 UTC');
    expect(mail.text).toContain('25 exports in 10 min (threshold 20)');
    expect(mail.text).toContain(`Incident: http://localhost:3000/incidents/${INCIDENT_ID}`);
    expect(mail.html).toContain(
      `<a href="http://localhost:3000/incidents/${INCIDENT_ID}">Open the incident</a>`,
    );
  });

  it('threads a later change under the root with In-Reply-To and References', async () => {
    const first = await channel.send(config, incidentMessage(), null);
    const second = await channel.send(
      config,
      incidentMessage({
        change: 'acknowledged',
        changeId: 'c2',
        status: 'acknowledged',
        by: 'alice',
        note: 'on it',
      }),
      first.thread,
    );

    const [, mail] = await catcher.waitForMessages(2);
    const root = `<incident-${INCIDENT_ID}@vaultwatch>`;
    expect(second.thread).toEqual(first.thread);
    expect(second.providerRef).toBe(`<incident-${INCIDENT_ID}-c2@vaultwatch>`);
    expect(mail.messageId).toBe(`<incident-${INCIDENT_ID}-c2@vaultwatch>`);
    expect(mail.inReplyTo).toBe(root);
    expect(mail.references).toEqual([root]);
    expect(mail.subject).toBe('[HIGH] Bulk export: alice@example.com (acknowledged by alice)');
    expect(mail.text).toContain('Status: Acknowledged (acknowledged by alice)');
    expect(mail.text).toContain('Note: on it');
  });

  it('replies to the synthetic root when the first message never went out', async () => {
    const result = await channel.send(
      config,
      incidentMessage({ change: 'reminder', changeId: 'c9' }),
      null,
    );
    const [mail] = await catcher.waitForMessages(1);
    expect(mail.messageId).toBe(`<incident-${INCIDENT_ID}-c9@vaultwatch>`);
    expect(mail.references).toEqual([`<incident-${INCIDENT_ID}@vaultwatch>`]);
    expect(result.thread.email?.rootMessageId).toBe(`<incident-${INCIDENT_ID}@vaultwatch>`);
  });

  it('escapes HTML from event data', async () => {
    await channel.send(
      config,
      incidentMessage({
        title: '<script>alert(1)</script>',
        explanation: 'item "<img src=x onerror=alert(1)>" & more',
        actor: { id: 'x', label: '<b>mallory</b>' },
      }),
      null,
    );
    const [mail] = await catcher.waitForMessages(1);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).not.toContain('<b>mallory');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('item &quot;&lt;img src=x onerror=alert(1)&gt;&quot; &amp; more');
    // The text body is plain text: the same characters, unescaped.
    expect(mail.text).toContain('item "<img src=x onerror=alert(1)>" & more');
  });

  it('treats a server that is down as retryable', async () => {
    await catcher.setDown(true);
    const error = await rejection(channel.send(config, incidentMessage(), null));
    expect(error).toBeInstanceOf(RetryableDeliveryError);
    expect(error.message).toContain('SMTP send to smtp://127.0.0.1:');
    expect(error.message).toMatch(/failed at CONN: ESOCKET: connect ECONNREFUSED/);
  });

  it('treats a server that never greets as retryable (timeout)', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const quick = new EmailChannel({ timeoutMs: 400, guard: LOCAL });
      const error = await rejection(
        quick.send({ ...config, smtpUrl: `smtp://127.0.0.1:${port}` }, incidentMessage(), null),
      );
      expect(error).toBeInstanceOf(RetryableDeliveryError);
      expect(error.message).toContain('ETIMEDOUT');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('treats 4xx replies as retryable and 5xx replies as permanent', async () => {
    catcher.rejectNext(1, 451, { stage: 'data' });
    await expect(channel.send(config, incidentMessage(), null)).rejects.toBeInstanceOf(
      RetryableDeliveryError,
    );

    catcher.rejectNext(2, 550);
    const error = await rejection(channel.send(config, incidentMessage(), null));
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toContain('550');
  });

  it('treats refused credentials (535) as permanent and never shows the password', async () => {
    await catcher.stop();
    catcher = new SmtpCatcher({ users: { alerts: 'correct horse' } });
    await catcher.start();
    const password = 'S3cret:p@ss/word';
    const smtpUrl = catcher.urlWithAuth('alerts', password);

    const error = await rejection(channel.send({ ...config, smtpUrl }, incidentMessage(), null));
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toContain('535');
    expect(error.message).not.toContain(password);
    expect(error.message).not.toContain(encodeURIComponent(password));
    expect(error.message).toContain('smtp://alerts:***@127.0.0.1:');

    await channel.send(
      { ...config, smtpUrl: catcher.urlWithAuth('alerts', 'correct horse') },
      incidentMessage(),
      null,
    );
    expect((await catcher.waitForMessages(1))[0].user).toBe('alerts');
  });

  it('redacts the password of SMTP URLs in every form', () => {
    const url = 'smtps://user:pa%24%24word@mail.example.com:465';
    expect(redactSmtpUrl(url)).toBe('smtps://user:***@mail.example.com:465');
    const sasl = Buffer.from('\u0000user\u0000pa$$word').toString('base64');
    expect(redactSmtpSecrets(`${url} pa$$word ${sasl}`, url)).toBe(
      'smtps://user:***@mail.example.com:465 *** ***',
    );
    expect(redactSmtpUrl('not a url')).toBe('[invalid SMTP URL]');
  });

  it('refuses a channel without recipients as permanent', async () => {
    await expect(
      channel.send({ ...config, to: [] }, incidentMessage(), null),
    ).rejects.toBeInstanceOf(PermanentDeliveryError);
  });
});
