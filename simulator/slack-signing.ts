import { createHmac } from 'node:crypto';

/**
 * The `X-Slack-Signature` Slack sends with `X-Slack-Request-Timestamp: <timestamp>`:
 * `v0=<hex HMAC-SHA256(signing secret, "v0:<timestamp>:<raw body>")>`
 * (https://api.slack.com/authentication/verifying-requests-from-slack). The fake signs on its
 * own rather than with vaultwatch's code, so a mistake there cannot hide behind the same one here.
 */
export function slackSignature(request: {
  signingSecret: string;
  timestamp: string;
  rawBody: string;
}): string {
  const digest = createHmac('sha256', request.signingSecret)
    .update(`v0:${request.timestamp}:${request.rawBody}`)
    .digest('hex');
  return `v0=${digest}`;
}
