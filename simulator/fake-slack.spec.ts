import { PassThrough } from 'node:stream';
import {
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebClient,
} from '@slack/web-api';
import { FAKE_SLACK_TOKEN, FakeSlackApi } from './fake-slack';
import { slackSignature } from './slack-signing';

function client(fake: FakeSlackApi, token = FAKE_SLACK_TOKEN): WebClient {
  return new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const BLOCKS = [
  { type: 'header', text: { type: 'plain_text', text: 'Bulk export' } },
  { type: 'section', text: { type: 'mrkdwn', text: '*Actor:* alice' } },
];

describe('FakeSlackApi with the real @slack/web-api client', () => {
  let fake: FakeSlackApi;
  let slack: WebClient;

  beforeEach(async () => {
    fake = new FakeSlackApi();
    await fake.start();
    slack = client(fake);
  });

  afterEach(async () => {
    await fake.stop();
  });

  it('answers auth.test for a known token', async () => {
    const auth = await slack.auth.test();
    expect(auth).toMatchObject({ ok: true, team_id: 'T0FAKE0001', user_id: 'U0FAKEBOT1' });
    expect(fake.calls[0]).toMatchObject({ method: 'auth.test', token: FAKE_SLACK_TOKEN, ok: true });
  });

  it('posts a message with blocks, answers the channel id and an increasing ts', async () => {
    const first = await slack.chat.postMessage({ channel: '#alerts', text: 'one', blocks: BLOCKS });
    const second = await slack.chat.postMessage({ channel: '#alerts', text: 'two' });

    expect(first.ok).toBe(true);
    expect(first.channel).toMatch(/^C[A-Z0-9]{10}$/);
    expect(first.channel).toBe(fake.channelId('alerts'));
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(first.message).toMatchObject({ text: 'one', ts: first.ts, bot_id: 'B0FAKEBOT1' });

    const messages = fake.messages('#alerts');
    expect(messages.map((m) => m.text)).toEqual(['one', 'two']);
    expect(messages[0].blocks).toEqual(BLOCKS);
    // The client sends a form body: blocks arrive as a JSON string, kept as the client sent it.
    expect(typeof fake.calls[0].params.blocks).toBe('string');
  });

  it('updates a message in place and keeps thread replies apart', async () => {
    const posted = await slack.chat.postMessage({ channel: 'alerts', text: 'triggered' });
    const channel = posted.channel!;
    const ts = posted.ts!;
    const updated = await slack.chat.update({ channel, ts, text: 'acknowledged', blocks: BLOCKS });
    const reply = await slack.chat.postMessage({
      channel,
      thread_ts: ts,
      text: 'Acknowledged by bob',
    });

    expect(updated).toMatchObject({ ok: true, channel, ts, text: 'acknowledged' });
    expect(fake.messages(channel)).toHaveLength(1);
    expect(fake.messages(channel)[0]).toMatchObject({ text: 'acknowledged', updates: 1 });
    expect(fake.replies(channel, ts)).toEqual([
      expect.objectContaining({ text: 'Acknowledged by bob', threadTs: ts, ts: reply.ts }),
    ]);
  });

  it('answers Slack errors as platform errors: invalid_auth, token_revoked, message_not_found', async () => {
    const badToken = await rejection(
      client(fake, 'xoxb-wrong').chat.postMessage({ channel: 'a', text: 'x' }),
    );
    expect(badToken).toBeInstanceOf(WebAPIPlatformError);
    expect((badToken as WebAPIPlatformError).data.error).toBe('invalid_auth');

    const posted = await slack.chat.postMessage({ channel: 'a', text: 'x' });
    const missing = await rejection(
      slack.chat.update({ channel: posted.channel!, ts: '1.000001', text: 'y' }),
    );
    expect((missing as WebAPIPlatformError).data.error).toBe('message_not_found');

    fake.deleteMessage('a', posted.ts!);
    const deleted = await rejection(
      slack.chat.update({ channel: posted.channel!, ts: posted.ts!, text: 'y' }),
    );
    expect((deleted as WebAPIPlatformError).data.error).toBe('message_not_found');

    fake.revokeToken(FAKE_SLACK_TOKEN);
    const revoked = await rejection(slack.chat.postMessage({ channel: 'a', text: 'x' }));
    expect((revoked as WebAPIPlatformError).data.error).toBe('token_revoked');
  });

  it('refuses chat.update by channel name: Slack wants the id', async () => {
    const posted = await slack.chat.postMessage({ channel: '#alerts', text: 'x' });
    const error = await rejection(
      slack.chat.update({ channel: '#alerts', ts: posted.ts!, text: 'y' }),
    );
    expect((error as WebAPIPlatformError).data.error).toBe('channel_not_found');
  });

  it('answers a 429 with Retry-After, which the client rejects when rejectRateLimitedCalls', async () => {
    fake.failNext(1, { status: 429, retryAfterSeconds: 7 }, 'chat.postMessage');
    const limited = await rejection(slack.chat.postMessage({ channel: 'a', text: 'x' }));
    expect(limited).toBeInstanceOf(WebAPIRateLimitedError);
    expect((limited as WebAPIRateLimitedError).retryAfter).toBe(7);
    expect(fake.calls[0]).toMatchObject({ status: 429, error: 'ratelimited' });

    await expect(slack.chat.postMessage({ channel: 'a', text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('injects API errors and HTTP errors', async () => {
    fake.failNext(1, { error: 'internal_error' });
    fake.failNext(1, { status: 500 });
    const apiError = await rejection(slack.chat.postMessage({ channel: 'a', text: 'x' }));
    expect((apiError as WebAPIPlatformError).data.error).toBe('internal_error');
    const httpError = await rejection(slack.chat.postMessage({ channel: 'a', text: 'x' }));
    expect(httpError).toBeInstanceOf(WebAPIHTTPError);
    expect((httpError as WebAPIHTTPError).statusCode).toBe(500);
    expect(fake.messages('a')).toHaveLength(0);
  });

  it('limits posts per channel when asked, like Slack', async () => {
    await fake.stop();
    fake = new FakeSlackApi({ postsPerChannelPerSecond: 1 });
    await fake.start();
    slack = client(fake);
    await slack.chat.postMessage({ channel: 'a', text: 'first' });
    await slack.chat.postMessage({ channel: 'b', text: 'other channel' });
    const limited = await rejection(slack.chat.postMessage({ channel: 'a', text: 'second' }));
    expect((limited as WebAPIRateLimitedError).retryAfter).toBe(1);
  });

  it('knows only the configured channels when given', async () => {
    await fake.stop();
    fake = new FakeSlackApi({ channels: ['#alerts'] });
    await fake.start();
    slack = client(fake);
    await expect(slack.chat.postMessage({ channel: '#alerts', text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
    const error = await rejection(slack.chat.postMessage({ channel: '#random', text: 'x' }));
    expect((error as WebAPIPlatformError).data.error).toBe('channel_not_found');
    fake.archive('#alerts');
    const archived = await rejection(slack.chat.postMessage({ channel: '#alerts', text: 'x' }));
    expect((archived as WebAPIPlatformError).data.error).toBe('is_archived');
  });

  it('accepts JSON bodies with a bearer token', async () => {
    const response = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${FAKE_SLACK_TOKEN}`,
      },
      body: JSON.stringify({ channel: 'json', text: 'hello', blocks: BLOCKS }),
    });
    expect(await response.json()).toMatchObject({ ok: true });
    expect(fake.messages('json')[0].blocks).toEqual(BLOCKS);
  });

  it('writes each posted or updated message as a JSON line', async () => {
    await fake.stop();
    const log = new PassThrough();
    const lines: string[] = [];
    log.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    fake = new FakeSlackApi({ messageLog: log });
    await fake.start();
    slack = client(fake);
    const posted = await slack.chat.postMessage({ channel: '#alerts', text: 'one' });
    await slack.chat.update({ channel: posted.channel!, ts: posted.ts!, text: 'two' });
    await new Promise((resolve) => setImmediate(resolve));

    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed).toEqual([
      expect.objectContaining({ method: 'chat.postMessage', channelName: 'alerts', text: 'one' }),
      expect.objectContaining({ method: 'chat.update', ts: posted.ts, text: 'two' }),
    ]);
  });

  it('builds signed block_actions interactions and captures response_url calls', async () => {
    const posted = await slack.chat.postMessage({ channel: '#alerts', text: 'x' });
    const now = 1_750_000_000;
    const request = fake.blockAction({
      signingSecret: 'shh',
      channel: posted.channel!,
      messageTs: posted.ts!,
      value: 'incident-1',
      nowSeconds: now,
    });
    // Signed as Slack signs (slack-signing.spec.ts checks Slack's own example); that vaultwatch
    // accepts it is test/notifications.e2e-spec.ts's business.
    expect(request.headers['x-slack-request-timestamp']).toBe(String(now));
    expect(request.headers['x-slack-signature']).toBe(
      slackSignature({ signingSecret: 'shh', timestamp: String(now), rawBody: request.body }),
    );
    const payload = JSON.parse(new URLSearchParams(request.body).get('payload')!) as {
      actions: Array<{ action_id: string; value: string }>;
      response_url: string;
      container: { channel_id: string };
    };
    expect(payload.actions[0]).toMatchObject({ action_id: 'acknowledge', value: 'incident-1' });
    expect(payload.container.channel_id).toBe(posted.channel);

    await fetch(payload.response_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replace_original: false, text: 'ok' }),
    });
    expect(fake.responseUrlCalls[0].body).toEqual({ replace_original: false, text: 'ok' });
  });
});
