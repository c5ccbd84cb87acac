import { Inject, Injectable } from '@nestjs/common';
import { notificationsConfig, NotificationsConfig } from '../config/app.config';
import { deliveryErrorClass, type IncidentMessage } from './channels/channel';
import { ChannelRegistry } from './channels/channel-registry';
import type { ChannelTestResultDto } from './channels.dto';
import { ChannelsService } from './channels.service';

/** `POST /api/v1/channels/:id/test`: a message that proves the channel works. */
@Injectable()
export class ChannelTestService {
  constructor(
    private readonly channels: ChannelsService,
    private readonly registry: ChannelRegistry,
    @Inject(notificationsConfig.KEY) private readonly config: NotificationsConfig,
  ) {}

  async test(id: string): Promise<ChannelTestResultDto> {
    const channel = await this.channels.get(id);
    const now = new Date();
    const message: IncidentMessage = {
      incidentId: '0',
      changeId: `test-${now.getTime()}`,
      change: 'test',
      status: 'triggered',
      severity: 'info',
      title: `Test message for channel ${channel.name}`,
      ruleId: '00000000-0000-0000-0000-000000000000',
      ruleName: 'Channel test',
      account: null,
      actor: null,
      explanation: 'If you read this, vaultwatch can reach this channel.',
      alertCount: 0,
      firstSeenAt: now,
      lastSeenAt: now,
      url: `${this.config.publicUrl}/api/v1/channels/${channel.id}`,
      by: null,
      note: null,
      snoozedUntil: null,
      runbook: '',
      tags: [],
    };
    try {
      const result = await this.registry.send(
        channel.type,
        this.channels.configOf(channel),
        message,
        null,
      );
      return { ok: true, providerRef: result.providerRef };
    } catch (error) {
      // The class only: the peer's own words may quote internal hosts or echo what we sent.
      return { ok: false, error: deliveryErrorClass(error) };
    }
  }
}
