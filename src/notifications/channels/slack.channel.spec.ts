import { FAKE_SLACK_TOKEN, FakeSlackApi } from '../../../simulator/fake-slack';
import type { PostSlotGate, SlotReservation } from '../slack-rate-gate';
import { type IncidentMessage, PermanentDeliveryError, RetryableDeliveryError } from './channel';
import { SlackChannel, type SlackChannelConfig } from './slack.channel';
import { DestinationGuard } from '../destinations/destination-guard';
import { INCIDENT_ID, incidentMessage } from '../../../test/support/incident-message';

/** The fakes listen on 127.0.0.1. */
const LOCAL = new DestinationGuard(true);

const incident = (overrides: Partial<IncidentMessage> = {}): IncidentMessage =>
  incidentMessage({
    changeId: 'change-1',
    explanation: '25 exports in 10 min (threshold 20); usual exports per hour: mean 0.2',
    tags: ['T1530', 'exfiltration'],
    ...overrides,
  });

interface Block {
  type: string;
  text?: { text: string };
  elements?: Array<{ action_id?: string; value?: string; url?: string; text?: unknown }>;
}

function blocksOf(message: { blocks?: unknown[] }): Block[] {
  return (message.blocks ?? []) as Block[];
}

function buttons(message: { blocks?: unknown[] }): string[] {
  return blocksOf(message)
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .map((e) => e.action_id ?? '');
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('SlackChannel against the fake Slack Web API', () => {
  let fake: FakeSlackApi;
  let config: SlackChannelConfig;
  let channel: SlackChannel;

  beforeEach(async () => {
    fake = new FakeSlackApi();
    await fake.start();
    config = { token: FAKE_SLACK_TOKEN, channel: '#security-alerts', apiUrl: fake.apiUrl };
    channel = new SlackChannel({ timeoutMs: 2_000, guard: LOCAL });
  });

  afterEach(async () => {
    await fake.stop();
  });

  it('posts the first message with blocks, a text fallback and an Acknowledge button', async () => {
    const result = await channel.send(config, incident(), null);

    const channelId = fake.channelId('#security-alerts')!;
    expect(result.thread.slack).toEqual({ channel: channelId, ts: result.providerRef });
    const [message] = fake.messages(channelId);
    expect(message.ts).toBe(result.providerRef);
    expect(message.text).toContain('[HIGH]');
    expect(message.text).toContain('Bulk export');
    // The title names the rule: the fallback says it once.
    expect(message.text.split('Bulk export')).toHaveLength(2);
    expect(message.text).toContain('alice@example.com');
    expect(message.text).toContain('25 exports in 10 min');
    expect(message.text).toContain(
      `<http://localhost:3000/incidents/${INCIDENT_ID}|View incident>`,
    );

    const blocks = blocksOf(message);
    expect(blocks[0]).toMatchObject({ type: 'header' });
    expect(blocks[0].text?.text).toBe(':large_orange_circle: HIGH Bulk export: alice@example.com');
    expect(JSON.stringify(blocks)).toContain('Tags: T1530, exfiltration');
    const actions = blocks.find((b) => b.type === 'actions')!;
    expect(actions.elements).toEqual([
      expect.objectContaining({ action_id: 'acknowledge', value: INCIDENT_ID }),
      expect.objectContaining({ action_id: 'view_incident', url: incident().url }),
    ]);

    const call = fake.calls.find((c) => c.method === 'chat.postMessage')!;
    expect(call.params).toMatchObject({ channel: '#security-alerts', unfurl_links: 'false' });
  });

  it('updates the message and replies in its thread on a later change', async () => {
    const first = await channel.send(config, incident(), null);
    const update = await channel.send(
      config,
      incident({
        change: 'acknowledged',
        changeId: 'change-2',
        status: 'acknowledged',
        by: 'bob',
        note: 'Looking into it\nwith the user',
      }),
      first.thread,
    );

    expect(update.thread).toEqual(first.thread);
    const { channel: channelId, ts } = first.thread.slack!;
    const [message] = fake.messages(channelId);
    expect(fake.messages(channelId)).toHaveLength(1);
    expect(message.updates).toBe(1);
    expect(message.text).toContain('(acknowledged)');
    expect(buttons(message)).toEqual(['view_incident']);
    expect(JSON.stringify(message.blocks)).toContain('Acknowledged by bob');

    const replies = fake.replies(channelId, ts);
    expect(replies).toHaveLength(1);
    expect(replies[0].ts).toBe(update.providerRef);
    expect(replies[0].text).toBe(':eyes: Acknowledged by *bob*\n>Looking into it\n>with the user');
    expect(replies[0].replyBroadcast).toBe(false);
  });

  it('shows reminders in the channel too and hides the button once resolved', async () => {
    const first = await channel.send(config, incident(), null);
    const { channel: channelId, ts } = first.thread.slack!;
    await channel.send(config, incident({ change: 'reminder', changeId: 'c2' }), first.thread);
    await channel.send(
      config,
      incident({ change: 'resolved', changeId: 'c3', status: 'resolved', by: 'carol' }),
      first.thread,
    );

    const replies = fake.replies(channelId, ts);
    expect(replies.map((r) => r.replyBroadcast)).toEqual([true, false]);
    expect(replies[1].text).toBe(':white_check_mark: Resolved by *carol*');
    expect(buttons(fake.messages(channelId)[0])).toEqual(['view_incident']);
  });

  it('after an attempt that died, finds what it posted instead of posting again', async () => {
    const byId = { ...config, channel: fake.addChannel('#security-alerts') };
    const first = await channel.send(byId, incident(), null);
    const since = new Date(Date.now() - 5_000);

    // The process died before recording the post: the rerun has no thread but knows when.
    const rerun = await channel.send(byId, incident(), null, { unfinishedAttemptAt: since });
    expect(rerun.thread.slack).toEqual(first.thread.slack);
    expect(fake.messages(byId.channel)).toHaveLength(1);

    const ack = incident({
      changeId: 'change-ack',
      change: 'acknowledged',
      status: 'acknowledged',
    });
    await channel.send(byId, ack, first.thread);
    await channel.send(byId, ack, first.thread, { unfinishedAttemptAt: since });
    expect(fake.replies(byId.channel, first.providerRef)).toHaveLength(1);

    // A change that was never posted is posted, unfinished attempt or not.
    const other = incident({ changeId: 'change-other' });
    await channel.send(byId, other, null, { unfinishedAttemptAt: since });
    expect(fake.messages(byId.channel)).toHaveLength(2);
  });

  it('posts a new message when the original was deleted (message_not_found)', async () => {
    const first = await channel.send(config, incident(), null);
    const { channel: channelId, ts } = first.thread.slack!;
    fake.deleteMessage(channelId, ts);

    const again = await channel.send(
      config,
      incident({ change: 'updated', changeId: 'c2', alertCount: 3 }),
      first.thread,
    );

    expect(again.thread.slack).toEqual({ channel: channelId, ts: again.providerRef });
    expect(again.providerRef).not.toBe(ts);
    expect(fake.messages(channelId)).toHaveLength(1);
    expect(JSON.stringify(fake.messages(channelId)[0].blocks)).toContain('Last change: 3 alerts');
  });

  it('escapes Slack control sequences from event data', async () => {
    await channel.send(
      config,
      incident({ explanation: 'item <!channel> & <@U123>', title: 'x <!here>' }),
      null,
    );
    const [message] = fake.messages('#security-alerts');
    expect(message.text).toContain('item &lt;!channel&gt; &amp; &lt;@U123&gt;');
    expect(message.text).not.toContain('<!channel>');
    expect(JSON.stringify(message.blocks)).not.toContain('<!channel>');
  });

  it('turns a 429 into a RetryableDeliveryError with the Retry-After', async () => {
    fake.failNext(1, { status: 429, retryAfterSeconds: 3 });
    const error = await rejection(channel.send(config, incident(), null));
    expect(error).toBeInstanceOf(RetryableDeliveryError);
    expect((error as RetryableDeliveryError).retryAfterMs).toBe(3_000);
  });

  it('turns an invalid token into a PermanentDeliveryError that does not quote it', async () => {
    const secret = 'xoxb-not-a-real-token-123456';
    const error = await rejection(channel.send({ ...config, token: secret }, incident(), null));
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toBe('Slack chat.postMessage: invalid_auth');
    expect(error.message).not.toContain(secret);
  });

  it('treats an unknown channel as permanent and server trouble as retryable', async () => {
    await fake.stop();
    fake = new FakeSlackApi({ channels: ['#other'] });
    await fake.start();
    config = { ...config, apiUrl: fake.apiUrl };
    await expect(channel.send(config, incident(), null)).rejects.toBeInstanceOf(
      PermanentDeliveryError,
    );

    const known = { ...config, channel: '#other' };
    fake.failNext(1, { error: 'internal_error' });
    fake.failNext(1, { status: 503 });
    await expect(channel.send(known, incident(), null)).rejects.toBeInstanceOf(
      RetryableDeliveryError,
    );
    await expect(channel.send(known, incident(), null)).rejects.toBeInstanceOf(
      RetryableDeliveryError,
    );
  });

  it('treats an unreachable API as retryable, without the token in the message', async () => {
    const url = fake.apiUrl;
    await fake.stop();
    const error = await rejection(channel.send({ ...config, apiUrl: url }, incident(), null));
    expect(error).toBeInstanceOf(RetryableDeliveryError);
    expect(error.message).toMatch(/^Slack chat.postMessage: request failed/);
    expect(error.message).not.toContain(FAKE_SLACK_TOKEN);
    await fake.start();
  });

  it('waits for a slot of the rate gate, or sends the job back when it is far away', async () => {
    const asked: Array<{ key: string; maxWaitMs: number }> = [];
    let answer: SlotReservation = { granted: true, waitMs: 50, slotAtMs: 0 };
    const gate: PostSlotGate = {
      tryReserve: (key, maxWaitMs) => {
        asked.push({ key, maxWaitMs });
        return Promise.resolve(answer);
      },
    };
    channel = new SlackChannel({ gate, maxGateWaitMs: 1_000, guard: LOCAL });

    const started = Date.now();
    await channel.send(config, incident(), null);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(asked[0].key).toMatch(/^[0-9a-f]{16}:#security-alerts$/);
    expect(asked[0].key).not.toContain(FAKE_SLACK_TOKEN);
    expect(asked[0].maxWaitMs).toBe(1_000);

    answer = { granted: false, waitMs: 4_000, slotAtMs: 0 };
    const error = await rejection(channel.send(config, incident(), null));
    expect(error).toBeInstanceOf(RetryableDeliveryError);
    expect((error as RetryableDeliveryError).retryAfterMs).toBe(3_000);
    expect(fake.messages('#security-alerts')).toHaveLength(1);
  });
});
