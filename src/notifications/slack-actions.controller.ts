import {
  Controller,
  ForbiddenException,
  Headers,
  HttpCode,
  Inject,
  Logger,
  Post,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../auth/public.decorator';
import { notificationsConfig, NotificationsConfig } from '../config/app.config';
import { IncidentLifecycleService } from '../incidents/incident-lifecycle.service';
import { SLACK_ACKNOWLEDGE_ACTION } from './channels/slack-blocks';
import {
  SLACK_SIGNATURE_HEADER,
  SLACK_TIMESTAMP_HEADER,
  verifySlackRequest,
} from './slack-signature';

interface BlockActionsPayload {
  type?: string;
  user?: { id?: string; username?: string; name?: string };
  actions?: Array<{ action_id?: string; value?: string }>;
}

/**
 * Slack interactivity: the Acknowledge button. No API key: every request must carry Slack's
 * signature over its exact body, made with SLACK_SIGNING_SECRET, less than 5 minutes old.
 */
@ApiExcludeController()
@Controller('api/v1/integrations/slack')
export class SlackActionsController {
  private readonly logger = new Logger(SlackActionsController.name);

  constructor(
    @Inject(notificationsConfig.KEY) private readonly config: NotificationsConfig,
    private readonly lifecycle: IncidentLifecycleService,
  ) {}

  @Public()
  @Post('actions')
  @HttpCode(200)
  async action(
    @Req() request: RawBodyRequest<Request>,
    @Headers(SLACK_SIGNATURE_HEADER) signature: string | undefined,
    @Headers(SLACK_TIMESTAMP_HEADER) timestamp: string | undefined,
  ): Promise<{ ok: true; text?: string }> {
    const signingSecret = this.config.slackSigningSecret;
    if (!signingSecret) throw new ForbiddenException('Slack interactivity is not configured');
    const verified = verifySlackRequest({
      signingSecret,
      timestamp: timestamp ?? '',
      rawBody: request.rawBody?.toString('utf8') ?? '',
      signature: signature ?? '',
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    if (!verified.ok)
      throw new UnauthorizedException(`Slack signature refused: ${verified.reason}`);

    const payload = parsePayload(request.body);
    const action = payload?.actions?.[0];
    if (payload?.type !== 'block_actions' || action?.action_id !== SLACK_ACKNOWLEDGE_ACTION) {
      return { ok: true };
    }
    const incidentId = action.value ?? '';
    const who = payload.user?.username ?? payload.user?.name ?? payload.user?.id ?? 'unknown';
    try {
      await this.lifecycle.apply(incidentId, 'acknowledge', { by: `slack:${who}` });
      return { ok: true, text: `Incident ${incidentId} acknowledged by ${who}` };
    } catch (error) {
      // Already acknowledged or resolved: Slack only needs to know we heard it.
      this.logger.warn(`Slack acknowledge of incident ${incidentId}: ${(error as Error).message}`);
      return { ok: true, text: (error as Error).message };
    }
  }
}

function parsePayload(body: unknown): BlockActionsPayload | null {
  const raw = (body as { payload?: unknown } | undefined)?.payload;
  if (typeof raw !== 'string') return null;
  try {
    return JSON.parse(raw) as BlockActionsPayload;
  } catch {
    return null;
  }
}
