import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { notificationsConfig, NotificationsConfig } from '../config/app.config';
import type { ChannelEntity } from './channel.entity';
import { type ChannelConfig, ChannelRegistry, type ChannelType } from './channels/channel-registry';
import type { FieldProblem } from './channels/channel-settings';
import type { CreateChannelDto, UpdateChannelDto } from './channels.dto';
import { ChannelsRepository } from './channels.repository';

export const ENV_SLACK_CHANNEL = 'default-slack';
export const ENV_EMAIL_CHANNEL = 'default-email';

/** Notification channels: the defaults from the environment and those created over REST. */
@Injectable()
export class ChannelsService implements OnApplicationBootstrap {
  constructor(
    private readonly repository: ChannelsRepository,
    @Inject(notificationsConfig.KEY) private readonly config: NotificationsConfig,
    private readonly registry: ChannelRegistry,
  ) {}

  /** The environment's Slack and email defaults exist as channels; their secrets stay there. */
  async onApplicationBootstrap(): Promise<void> {
    const { slack, email } = this.config;
    await this.syncEnvChannel(
      ENV_SLACK_CHANNEL,
      'slack',
      slack ? { channel: slack.channel, apiUrl: slack.apiUrl } : null,
    );
    await this.syncEnvChannel(
      ENV_EMAIL_CHANNEL,
      'email',
      email ? { from: email.from, to: email.to } : null,
    );
  }

  private async syncEnvChannel(
    name: string,
    type: ChannelType,
    settings: Record<string, unknown> | null,
  ): Promise<void> {
    if (settings) await this.repository.upsertFromEnv(name, type, settings);
    else await this.repository.disableFromEnv(name);
  }

  list(): Promise<ChannelEntity[]> {
    return this.repository.list();
  }

  async get(id: string): Promise<ChannelEntity> {
    const channel = await this.repository.findById(id);
    if (!channel) throw new NotFoundException(`channel ${id} does not exist`);
    return channel;
  }

  async create(input: CreateChannelDto): Promise<ChannelEntity> {
    const settings = input.settings ?? {};
    const secrets = input.secrets ?? {};
    this.check(input.type, settings, secrets);
    await this.ensureNameFree(input.name);
    const created = await this.repository.insert({
      id: randomUUID(),
      name: input.name,
      type: input.type,
      settings,
      secrets,
      minSeverity: input.minSeverity ?? 'info',
      ruleIds: input.ruleIds ?? [],
      tags: input.tags ?? [],
      enabled: input.enabled ?? true,
      managedByEnv: false,
    });
    return this.get(created.id);
  }

  async update(id: string, input: UpdateChannelDto): Promise<ChannelEntity> {
    const channel = await this.get(id);
    if (
      channel.managedByEnv &&
      (input.settings !== undefined || input.secrets !== undefined || input.name !== undefined)
    ) {
      throw new ConflictException(
        `channel ${channel.name} is configured by environment variables: change them there; only minSeverity, ruleIds, tags and enabled can be edited here`,
      );
    }
    if (input.name !== undefined && input.name !== channel.name)
      await this.ensureNameFree(input.name);
    const settings = input.settings ?? channel.settings;
    // Secrets are write-only: those not sent again are kept.
    const secrets = { ...channel.secrets, ...(input.secrets ?? {}) };
    if (!channel.managedByEnv && this.registry.has(channel.type)) {
      this.checkSecretsResent(channel, settings, input.secrets ?? {});
      this.check(channel.type, settings, secrets);
    } else if (!channel.managedByEnv && (input.settings ?? input.secrets) !== undefined) {
      throw new ConflictException(
        `channel ${channel.name} has type ${channel.type}, which this version does not know: only minSeverity, ruleIds, tags and enabled can be edited`,
      );
    }
    return this.repository.save({
      ...channel,
      name: input.name ?? channel.name,
      settings,
      secrets,
      minSeverity: input.minSeverity ?? channel.minSeverity,
      ruleIds: input.ruleIds ?? channel.ruleIds,
      tags: input.tags ?? channel.tags,
      enabled: input.enabled ?? channel.enabled,
      updatedAt: new Date(),
    });
  }

  async remove(id: string): Promise<void> {
    const channel = await this.get(id);
    if (channel.managedByEnv) {
      throw new ConflictException(
        `channel ${channel.name} is configured by environment variables: unset them, or disable it`,
      );
    }
    await this.repository.delete(id);
  }

  /**
   * The config a channel sends with; the environment's channels read their secrets there.
   * A type this build does not know (stored by a newer version) fails for good.
   */
  configOf(channel: ChannelEntity): ChannelConfig {
    if (channel.managedByEnv) {
      const fromEnv = channel.type === 'slack' ? this.config.slack : this.config.email;
      if (!fromEnv) throw new Error(`channel ${channel.name} is no longer configured`);
      return fromEnv;
    }
    const parsed = this.registry.parse(channel.type, channel.settings, channel.secrets);
    if (!parsed.ok) throw new Error(`channel ${channel.name} is misconfigured`);
    return parsed.config;
  }

  private check(type: string, settings: Record<string, unknown>, secrets: Record<string, unknown>) {
    const parsed = this.registry.parse(type, settings, secrets);
    if (!parsed.ok) throw invalid(parsed.problems);
  }

  /**
   * A new destination gets its secrets anew in the same request: a stored token or signing
   * key is never sent to a host that whoever edits the channel picked.
   */
  private checkSecretsResent(
    channel: ChannelEntity,
    settings: Record<string, unknown>,
    sent: Record<string, unknown>,
  ): void {
    const before = this.registry.destination(channel.type, channel.settings, channel.secrets);
    const after = this.registry.destination(channel.type, settings, {
      ...channel.secrets,
      ...sent,
    });
    if (before.value === after.value) return;
    const missing = this.registry
      .secretFields(channel.type)
      .filter((name) => sent[name] === undefined);
    if (missing.length === 0) return;
    throw invalid(
      missing.map((name) => ({
        field: `secrets.${name}`,
        reason: `required again when ${after.field} changes: stored secrets never go to a new destination`,
      })),
    );
  }

  private async ensureNameFree(name: string): Promise<void> {
    if (await this.repository.nameTaken(name)) {
      throw new ConflictException(`name: a channel named ${name} exists`);
    }
  }
}

function invalid(problems: FieldProblem[]): BadRequestException {
  return new BadRequestException({
    error: 'Bad Request',
    message: problems.map((problem) => `${problem.field}: ${problem.reason}`).join('; '),
    details: problems,
  });
}
