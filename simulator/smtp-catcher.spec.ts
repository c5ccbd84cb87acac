import { createTransport, type NodemailerError } from 'nodemailer';
import { parseMail, SmtpCatcher } from './smtp-catcher';

function send(url: string, overrides: Record<string, unknown> = {}): Promise<unknown> {
  const transport = createTransport({ url, pool: false, connectionTimeout: 2_000 });
  return transport.sendMail({
    from: 'vaultwatch <alerts@example.com>',
    to: ['soc@example.com', 'oncall@example.com'],
    subject: 'Größe [HIGH] – Bulk export',
    text: 'Line one\nLine two with ümlaut and a long line '.padEnd(200, 'x'),
    html: '<p>Hello &amp; <b>bye</b></p>',
    messageId: '<incident-1-c2@vaultwatch>',
    inReplyTo: '<incident-1@vaultwatch>',
    references: ['<incident-1@vaultwatch>'],
    ...overrides,
  });
}

async function rejection(promise: Promise<unknown>): Promise<NodemailerError> {
  try {
    await promise;
  } catch (error) {
    return error as NodemailerError;
  }
  throw new Error('expected a rejection');
}

describe('SmtpCatcher', () => {
  let catcher: SmtpCatcher;

  beforeEach(async () => {
    catcher = new SmtpCatcher();
    await catcher.start();
  });

  afterEach(async () => {
    await catcher.stop();
  });

  it('captures what nodemailer sends: envelope, headers, decoded subject and bodies', async () => {
    await send(catcher.url);
    const [mail] = await catcher.waitForMessages(1);

    expect(mail.envelope).toEqual({
      from: 'alerts@example.com',
      to: ['soc@example.com', 'oncall@example.com'],
    });
    expect(mail.subject).toBe('Größe [HIGH] – Bulk export');
    expect(mail.messageId).toBe('<incident-1-c2@vaultwatch>');
    expect(mail.inReplyTo).toBe('<incident-1@vaultwatch>');
    expect(mail.references).toEqual(['<incident-1@vaultwatch>']);
    expect(mail.text).toContain('Line two with ümlaut');
    expect(mail.text).toContain('x'.repeat(100));
    expect(mail.html).toBe('<p>Hello &amp; <b>bye</b></p>');
    expect(mail.raw).toContain('\r\n');
    expect(mail.user).toBeNull();
  });

  it('accepts any AUTH unless users are given; then refuses bad credentials with 535', async () => {
    await send(catcher.urlWithAuth('alice', 'anything'));
    expect((await catcher.waitForMessages(1))[0].user).toBe('alice');
    await catcher.stop();

    catcher = new SmtpCatcher({ users: { alice: 'right' } });
    await catcher.start();
    const error = await rejection(send(catcher.urlWithAuth('alice', 'wrong')));
    expect(error.code).toBe('EAUTH');
    expect(error.responseCode).toBe(535);
    await send(catcher.urlWithAuth('alice', 'right'));
    expect(catcher.messages).toHaveLength(1);
  });

  it('refuses connections while down, and takes mail again on the same port', async () => {
    const url = catcher.url;
    await catcher.setDown(true);
    const error = await rejection(send(url));
    expect(['ECONNECTION', 'ESOCKET']).toContain(error.code);
    expect(error.responseCode).toBeUndefined();

    await catcher.setDown(false);
    expect(catcher.url).toBe(url);
    await send(url);
    expect(catcher.messages).toHaveLength(1);
  });

  it('answers the next messages with an SMTP error at RCPT TO or after DATA', async () => {
    catcher.rejectNext(2, 550);
    const rcpt = await rejection(send(catcher.url));
    expect(rcpt.responseCode).toBe(550);
    expect(rcpt.permanent).toBe(true);

    catcher.clear();
    catcher.rejectNext(1, 451, { stage: 'data' });
    const data = await rejection(send(catcher.url, { to: 'soc@example.com' }));
    expect(data.responseCode).toBe(451);
    expect(data.permanent).toBe(false);
    expect(catcher.rejected).toEqual([expect.objectContaining({ stage: 'data', code: 451 })]);

    await send(catcher.url);
    expect(catcher.messages).toHaveLength(1);
  });

  it('times out waiting for messages that never come', async () => {
    await expect(catcher.waitForMessages(1, 50)).rejects.toThrow('1 message(s) expected');
  });

  it('parses base64 parts, folded headers and encoded words', () => {
    const raw = [
      'Subject: =?UTF-8?B?w6k=?=',
      ' =?UTF-8?Q?t=C3=A9?=',
      'References: <a@x>',
      ' <b@x>',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('héllo\r\nworld').toString('base64'),
      '--inner--',
      '--outer--',
      '',
    ].join('\r\n');
    const mail = parseMail(raw, 1, { from: null, to: [] });
    expect(mail.subject).toBe('été');
    expect(mail.references).toEqual(['<a@x>', '<b@x>']);
    expect(mail.text).toBe('héllo\nworld');
    expect(mail.html).toBeNull();
  });
});
