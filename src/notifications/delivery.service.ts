import { Inject, Injectable, Logger } from '@nestjs/common';
import { notificationsConfig, NotificationsConfig } from '../config/app.config';
import { IncidentChangesService } from '../incidents/incident-changes.service';
import { DELIVERY_ATTEMPTS } from '../queue/queue.contract';
import { RulesService } from '../rules/rules.service';
import { ChannelRegistry } from './channels/channel-registry';
import {
  DeferredDeliveryError,
  type IncidentMessage,
  PermanentDeliveryError,
  RetryableDeliveryError,
} from './channels/channel';
import { ChannelsService } from './channels.service';
import { DeliveriesRepository } from './deliveries.repository';
import { toIncidentMessage } from './incident-message';

/** Longer than any one attempt (three provider calls of 10 s and a rate-gate wait). */
export const ATTEMPT_LEASE_MS = 60_000;

export type DeliveryOutcome =
  | { kind: 'sent' | 'already-done' }
  | { kind: 'retry-after'; delayMs: number; reason: string }
  | { kind: 'failed'; reason: string };

/**
 * Sends one delivery: builds the incident message, sends it on the channel (updating its
 * first message for later changes), and records the outcome. Never sends a delivery twice
 * once it is recorded as sent.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly channels: ChannelsService,
    private readonly changes: IncidentChangesService,
    private readonly rules: RulesService,
    private readonly registry: ChannelRegistry,
    @Inject(notificationsConfig.KEY) private readonly config: NotificationsConfig,
  ) {}

  /**
   * `lastAttempt` says whether a transient failure now is final. Other errors are thrown
   * for the queue to retry with backoff.
   */
  async deliver(deliveryId: string, lastAttempt: boolean): Promise<DeliveryOutcome> {
    const claim = await this.deliveries.claim(deliveryId, ATTEMPT_LEASE_MS);
    if (claim.kind === 'done') return { kind: 'already-done' };
    if (claim.kind === 'busy')
      return {
        kind: 'retry-after',
        delayMs: claim.retryInMs,
        reason: 'another attempt is in flight',
      };
    const { delivery, unfinishedAttemptAt } = claim;
    lastAttempt ||= delivery.attempts + 1 >= DELIVERY_ATTEMPTS;
    const channel = await this.channels.get(delivery.channel_id).catch(() => null);
    if (!channel?.enabled) {
      await this.deliveries.markAttempt(deliveryId, 'channel disabled or deleted', true);
      return { kind: 'failed', reason: 'channel disabled or deleted' };
    }
    try {
      const message = await this.messageOf(delivery.change_id);
      const thread = await this.deliveries.thread(delivery.incident_id, delivery.channel_id);
      const result = await this.registry.send(
        channel.type,
        this.channels.configOf(channel),
        message,
        thread,
        { unfinishedAttemptAt },
      );
      await this.deliveries.markSent(delivery, result.providerRef, result.thread);
      return { kind: 'sent' };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof DeferredDeliveryError) {
        // Hands back the earlier unfinished attempt, if any: the next one must still check it.
        await this.deliveries.defer(deliveryId, reason, unfinishedAttemptAt);
        return { kind: 'retry-after', delayMs: error.retryAfterMs, reason };
      }
      if (error instanceof PermanentDeliveryError) {
        await this.deliveries.markAttempt(deliveryId, reason, true);
        this.logger.error(`Delivery ${deliveryId} to ${channel.name} failed for good: ${reason}`);
        return { kind: 'failed', reason };
      }
      await this.deliveries.markAttempt(deliveryId, reason, lastAttempt);
      if (lastAttempt) {
        this.logger.error(`Delivery ${deliveryId} to ${channel.name} gave up: ${reason}`);
        return { kind: 'failed', reason };
      }
      this.logger.warn(`Delivery ${deliveryId} to ${channel.name} will be retried: ${reason}`);
      if (error instanceof RetryableDeliveryError && error.retryAfterMs !== undefined) {
        return { kind: 'retry-after', delayMs: error.retryAfterMs, reason };
      }
      throw error;
    }
  }

  /** Two queries: the change with its incident, and its rule. */
  private async messageOf(changeId: string): Promise<IncidentMessage> {
    const change = await this.changes.describeChange(changeId);
    const rule = change && (await this.rules.findByIds([change.ruleId])).get(change.ruleId);
    if (!change || !rule) throw new Error(`incident change ${changeId} does not exist`);
    return toIncidentMessage(change, rule, this.config.publicUrl);
  }
}
