import type { DestinationGuard } from '../destinations/destination-guard';
import type { PostSlotGate } from '../slack-rate-gate';
import {
  type ChannelSendResult,
  type ConfigOf,
  type DeliveryThread,
  type IncidentMessage,
  type NotificationChannel,
  PermanentDeliveryError,
  type SendContext,
} from './channel';
import {
  type ChannelField,
  destinationOf,
  type FieldProblem,
  fieldsOf,
  parseChannelSettings,
  secretFieldsOf,
} from './channel-settings';
import { EmailChannel } from './email.channel';
import { PagerDutyChannel } from './pagerduty.channel';
import { SlackChannel } from './slack.channel';
import { WebhookChannel } from './webhook.channel';

/** What channels may be built with. */
export interface ChannelDeps {
  /** Which addresses may be reached: every channel's requests go through it. */
  guard: DestinationGuard;
  /** A gate spacing sends across workers, its keys under `name`. */
  slotGate(name: string): PostSlotGate;
  /** The Slack Web API of channels that name none (a fake in tests). */
  slackApiUrl: string;
}

/**
 * Every channel type, one line each. The type list, the API's enum, validation and masking
 * of settings, the channel test and delivery all derive from this table.
 */
const CHANNELS = {
  slack: (deps: ChannelDeps) =>
    new SlackChannel({
      guard: deps.guard,
      gate: deps.slotGate('slack-rate'),
      apiUrl: deps.slackApiUrl,
    }),
  email: (deps: ChannelDeps) => new EmailChannel({ guard: deps.guard }),
  webhook: (deps: ChannelDeps) => new WebhookChannel({ guard: deps.guard }),
  pagerduty: (deps: ChannelDeps) => new PagerDutyChannel({ guard: deps.guard }),
};

export type ChannelType = keyof typeof CHANNELS;
export const CHANNEL_TYPES = Object.keys(CHANNELS) as [ChannelType, ...ChannelType[]];
export type ChannelConfigByType = {
  [T in ChannelType]: ConfigOf<ReturnType<(typeof CHANNELS)[T]>>;
};
/** A config of any type, as a send receives it once validated. */
export type ChannelConfig = ChannelConfigByType[ChannelType];

type ChannelsByType = { [T in ChannelType]: NotificationChannel & { readonly type: T } };

/**
 * The channels by type. A delivery names a type and a config; it never knows which
 * implementation answers. A type read from the database that this build does not know
 * (after a downgrade) is a permanent failure with its reason, never a crash.
 */
export class ChannelRegistry {
  constructor(
    private readonly channels: ChannelsByType,
    private readonly guard: DestinationGuard,
  ) {
    for (const [type, channel] of Object.entries(channels))
      if (channel.type !== type)
        throw new Error(`ChannelRegistry: a ${channel.type} channel given for ${type}`);
  }

  static create(deps: ChannelDeps): ChannelRegistry {
    const channels = Object.fromEntries(CHANNEL_TYPES.map((type) => [type, CHANNELS[type](deps)]));
    // Each built channel's type is checked against its key by the constructor.
    return new ChannelRegistry(channels as unknown as ChannelsByType, deps.guard);
  }

  get types(): ChannelType[] {
    return Object.keys(this.channels) as ChannelType[];
  }

  has(type: string): type is ChannelType {
    return Object.hasOwn(this.channels, type);
  }

  get(type: string): NotificationChannel {
    if (!this.has(type))
      throw new PermanentDeliveryError(
        `unknown channel type "${type}": this version knows ${this.types.join(', ')}`,
      );
    return this.channels[type];
  }

  /** Validates settings and secrets and builds the config the channel sends with. */
  parse(
    type: string,
    settings: Record<string, unknown>,
    secrets: Record<string, unknown>,
  ): { ok: true; config: ChannelConfig } | { ok: false; problems: FieldProblem[] } {
    const parsed = parseChannelSettings(this.get(type), settings, secrets, this.guard);
    return parsed.ok ? { ok: true, config: parsed.config as ChannelConfig } : parsed;
  }

  /** The type's secret fields; none for a type this build does not know. */
  secretFields(type: string): string[] {
    return this.has(type) ? secretFieldsOf(this.channels[type]) : [];
  }

  fields(type: ChannelType): ChannelField[] {
    return fieldsOf(this.channels[type]);
  }

  destination(
    type: string,
    settings: Record<string, unknown>,
    secrets: Record<string, unknown>,
  ): { field: string; value: unknown } {
    return destinationOf(this.get(type), settings, secrets);
  }

  send(
    type: string,
    config: ChannelConfig,
    message: IncidentMessage,
    thread: DeliveryThread | null,
    context: SendContext = {},
  ): Promise<ChannelSendResult> {
    return this.get(type).send(config, message, thread, context);
  }
}
