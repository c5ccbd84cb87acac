import {
  type ChannelConfigByType,
  type ChannelSendResult,
  type ChannelType,
  type DeliveryThread,
  type IncidentMessage,
  type NotificationChannel,
  PermanentDeliveryError,
  type SendContext,
} from './channel';

type ChannelsByType = { [T in ChannelType]: NotificationChannel<T> };

/**
 * The strategies by channel type. The delivery job names a type and a config; it never
 * knows which implementation answers (tests hand in channels pointed at the fakes).
 */
export class ChannelRegistry {
  private readonly channels: ChannelsByType;

  constructor(
    slack: NotificationChannel<'slack'>,
    email: NotificationChannel<'email'>,
    webhook: NotificationChannel<'webhook'>,
  ) {
    this.channels = { slack, email, webhook };
    for (const [type, channel] of Object.entries(this.channels))
      if (channel.type !== type)
        throw new Error(`ChannelRegistry: a ${channel.type} channel given for ${type}`);
  }

  get types(): ChannelType[] {
    return Object.keys(this.channels) as ChannelType[];
  }

  has(type: string): type is ChannelType {
    return Object.hasOwn(this.channels, type);
  }

  get<T extends ChannelType>(type: T): NotificationChannel<T> {
    // A type read from the database may be one this build does not know.
    if (!this.has(type)) throw new PermanentDeliveryError(`unknown channel type: ${String(type)}`);
    return this.channels[type];
  }

  send<T extends ChannelType>(
    type: T,
    config: ChannelConfigByType[T],
    message: IncidentMessage,
    thread: DeliveryThread | null,
    context: SendContext = {},
  ): Promise<ChannelSendResult> {
    return this.get(type).send(config, message, thread, context);
  }
}
