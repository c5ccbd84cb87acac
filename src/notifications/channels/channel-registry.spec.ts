import {
  type ChannelConfigByType,
  type ChannelType,
  type DeliveryThread,
  type IncidentMessage,
  type NotificationChannel,
  PermanentDeliveryError,
} from './channel';
import { ChannelRegistry } from './channel-registry';

/** Records what it was asked to send; answers a thread naming its type. */
class RecordingChannel<T extends ChannelType> implements NotificationChannel<T> {
  readonly sent: Array<{ config: ChannelConfigByType[T]; thread: DeliveryThread | null }> = [];
  constructor(readonly type: T) {}

  send(config: ChannelConfigByType[T], _message: IncidentMessage, thread: DeliveryThread | null) {
    this.sent.push({ config, thread });
    return Promise.resolve({ thread: thread ?? {}, providerRef: this.type });
  }
}

const message = {} as IncidentMessage;

describe('ChannelRegistry', () => {
  const slack = new RecordingChannel('slack');
  const email = new RecordingChannel('email');
  const webhook = new RecordingChannel('webhook');
  const registry = new ChannelRegistry(slack, email, webhook);

  it('hands a send to the channel of its type', async () => {
    const config = { url: 'http://127.0.0.1:1/hook', secret: 's' };
    await expect(registry.send('webhook', config, message, null)).resolves.toEqual({
      thread: {},
      providerRef: 'webhook',
    });
    expect(webhook.sent).toEqual([{ config, thread: null }]);
    expect(registry.get('email')).toBe(email);
    expect(registry.types).toEqual(['slack', 'email', 'webhook']);
  });

  it('refuses an unknown type as a permanent failure', () => {
    expect(registry.has('sms')).toBe(false);
    expect(() => registry.get('sms' as ChannelType)).toThrow(PermanentDeliveryError);
  });

  it('refuses a channel given in the wrong place', () => {
    expect(() => new ChannelRegistry(slack, email, slack as never)).toThrow(
      'a slack channel given for webhook',
    );
  });
});
