import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack's request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:<timestamp>:<raw body>")>` with
 * `X-Slack-Request-Timestamp: <unix seconds>`. The body must be the exact bytes received,
 * before any parsing.
 */

export const SLACK_SIGNATURE_HEADER = 'x-slack-signature';
export const SLACK_TIMESTAMP_HEADER = 'x-slack-request-timestamp';

/** Slack's advice: refuse requests more than five minutes off, to stop replays. */
export const SLACK_TIMESTAMP_TOLERANCE_SECONDS = 300;

export interface SlackRequestToVerify {
  signingSecret: string;
  /** `X-Slack-Request-Timestamp` as received. */
  timestamp: string | null | undefined;
  rawBody: string | Buffer;
  /** `X-Slack-Signature` as received. */
  signature: string | null | undefined;
  nowSeconds: number;
  toleranceSeconds?: number;
}

export type SlackVerification = { ok: true } | { ok: false; reason: string };

export function verifySlackRequest(request: SlackRequestToVerify): SlackVerification {
  const tolerance = request.toleranceSeconds ?? SLACK_TIMESTAMP_TOLERANCE_SECONDS;
  if (request.signingSecret === '') return refuse('no signing secret configured');
  if (request.timestamp === null || request.timestamp === undefined || request.timestamp === '')
    return refuse('missing timestamp');
  const timestamp = request.timestamp.trim();
  if (!/^\d{1,12}$/.test(timestamp)) return refuse('malformed timestamp');
  // Both directions: a timestamp from the future is as suspect as an old one.
  if (Math.abs(request.nowSeconds - Number(timestamp)) > tolerance)
    return refuse('timestamp outside the allowed window');
  if (!request.signature) return refuse('missing signature');
  const match = /^v0=([0-9a-f]{64})$/.exec(request.signature.trim());
  if (!match) return refuse('malformed signature');
  const expected = Buffer.from(digest(request.signingSecret, timestamp, request.rawBody));
  if (!timingSafeEqual(Buffer.from(match[1]), expected)) return refuse('signature mismatch');
  return { ok: true };
}

/** The `X-Slack-Signature` value Slack would send (fakes and tests). */
export function signSlackRequest(request: {
  signingSecret: string;
  timestamp: string | number;
  rawBody: string | Buffer;
}): string {
  return `v0=${digest(request.signingSecret, String(request.timestamp), request.rawBody)}`;
}

function digest(secret: string, timestamp: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret)
    .update(`v0:${timestamp}:`)
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody) : rawBody)
    .digest('hex');
}

function refuse(reason: string): SlackVerification {
  return { ok: false, reason };
}
