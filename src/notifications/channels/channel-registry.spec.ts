import { z } from 'zod';
import { DestinationGuard } from '../destinations/destination-guard';
import {
  type DeliveryThread,
  type IncidentMessage,
  type NotificationChannel,
  PermanentDeliveryError,
} from './channel';
import { CHANNEL_TYPES, ChannelRegistry, type ChannelType } from './channel-registry';
import { httpUrl, secret } from './channel-settings';

const settings = z.object({
  url: httpUrl('required: an http(s) URL'),
  secret: secret(z.string().min(16, 'required: 16 characters or more')),
  label: z.string().optional(),
});

/** Records what it was asked to send; answers a thread naming its type. */
class RecordingChannel<T extends ChannelType> implements NotificationChannel<typeof settings> {
  readonly settings = settings;
  readonly destinationField = 'url';
  readonly sent: Array<{ config: unknown; thread: DeliveryThread | null }> = [];
  constructor(readonly type: T) {}

  send(
    config: z.output<typeof settings>,
    _message: IncidentMessage,
    thread: DeliveryThread | null,
  ) {
    this.sent.push({ config, thread });
    return Promise.resolve({ thread: thread ?? {}, providerRef: this.type });
  }
}

const message = {} as IncidentMessage;
const guard = new DestinationGuard(false);

describe('ChannelRegistry', () => {
  const slack = new RecordingChannel('slack');
  const email = new RecordingChannel('email');
  const webhook = new RecordingChannel('webhook');
  const pagerduty = new RecordingChannel('pagerduty');
  const registry = new ChannelRegistry({ slack, email, webhook, pagerduty }, guard);

  it('hands a send to the channel of its type', async () => {
    const config = { url: 'http://127.0.0.1:1/hook', secret: 's' };
    await expect(registry.send('webhook', config, message, null)).resolves.toEqual({
      thread: {},
      providerRef: 'webhook',
    });
    expect(webhook.sent).toEqual([{ config, thread: null }]);
    expect(registry.get('email')).toBe(email);
    expect(registry.types).toEqual(['slack', 'email', 'webhook', 'pagerduty']);
  });

  it('refuses an unknown type as a permanent failure that names it', () => {
    expect(registry.has('sms')).toBe(false);
    expect(() => registry.get('sms')).toThrow(PermanentDeliveryError);
    expect(() => registry.get('sms')).toThrow(
      'unknown channel type "sms": this version knows slack, email, webhook, pagerduty',
    );
    expect(registry.secretFields('sms')).toEqual([]);
  });

  it('refuses a channel given in the wrong place', () => {
    expect(
      () => new ChannelRegistry({ slack, email, webhook: slack as never, pagerduty }, guard),
    ).toThrow('a slack channel given for webhook');
  });

  it('builds every registered type, each under its own name', () => {
    const built = ChannelRegistry.create({
      guard,
      slotGate: () => ({
        tryReserve: () => Promise.resolve({ granted: true, waitMs: 0, slotAtMs: 0 }),
      }),
      slackApiUrl: 'https://slack.com/api/',
    });
    expect(built.types).toEqual(CHANNEL_TYPES);
    for (const type of CHANNEL_TYPES) expect(built.get(type).type).toBe(type);
  });

  describe('settings', () => {
    const parse = (fields: Record<string, unknown>, secrets: Record<string, unknown>) =>
      registry.parse('webhook', fields, secrets);

    it('builds the config from settings and secrets', () => {
      expect(parse({ url: 'https://hooks.example.com/a' }, { secret: 'x'.repeat(16) })).toEqual({
        ok: true,
        config: { url: 'https://hooks.example.com/a', secret: 'x'.repeat(16) },
      });
    });

    it('names each bad field where the API takes it', () => {
      expect(parse({ url: 'ftp://x' }, { secret: 'short' })).toEqual({
        ok: false,
        problems: [
          { field: 'settings.url', reason: 'required: an http(s) URL' },
          { field: 'secrets.secret', reason: 'required: 16 characters or more' },
        ],
      });
    });

    it('keeps secrets out of settings, and settings out of secrets', () => {
      expect(parse({ url: 'https://h.example.com/', secret: 'x'.repeat(16) }, {})).toMatchObject({
        ok: false,
        problems: [{ field: 'settings.secret', reason: 'a secret: send it under secrets' }],
      });
      expect(parse({}, { url: 'https://h.example.com/', secret: 'x'.repeat(16) })).toMatchObject({
        ok: false,
        problems: [{ field: 'secrets.url', reason: 'not a secret of a webhook channel' }],
      });
    });

    it('refuses a destination on a literal internal address', () => {
      expect(parse({ url: 'http://10.0.0.1/hook' }, { secret: 'x'.repeat(16) })).toMatchObject({
        ok: false,
        problems: [{ field: 'settings.url', reason: expect.stringMatching(/^host 10\.0\.0\.1: /) }],
      });
    });

    it('describes the fields, secrets marked', () => {
      expect(registry.secretFields('webhook')).toEqual(['secret']);
      expect(registry.fields('webhook')).toEqual([
        { name: 'url', secret: false, required: true, list: false },
        { name: 'secret', secret: true, required: true, list: false },
        { name: 'label', secret: false, required: false, list: false },
      ]);
      expect(registry.destination('webhook', { url: 'https://a.example/' }, {})).toEqual({
        field: 'settings.url',
        value: 'https://a.example/',
      });
    });
  });
});
