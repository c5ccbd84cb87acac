import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import { DESTINATION_REFUSED } from '../destinations/destination-guard';
import { PermanentDeliveryError, RetryableDeliveryError } from './channel';
import { errorSummary, findErrorWithCode, networkErrorClass } from './error-details';
import { oneLine } from './incident-text';

/** Slack errors that retrying cannot fix: the token, the channel or the message itself. */
export const SLACK_PERMANENT_ERRORS: ReadonlySet<string> = new Set([
  'invalid_arguments',
  'invalid_blocks_format',
  'no_text',
  'restricted_action',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'channel_not_found',
  'is_archived',
  'not_in_channel',
  'missing_scope',
  'msg_too_long',
  'invalid_blocks',
]);

/** Slack error codes that say the token is not (or no longer) good. */
const SLACK_AUTH_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
]);

/** Maps what @slack/web-api throws to the delivery errors; never quotes the token. */
export function toDeliveryError(error: unknown, method: string, token: string): Error {
  if (error instanceof PermanentDeliveryError || error instanceof RetryableDeliveryError)
    return error;
  const refused = findErrorWithCode(error, DESTINATION_REFUSED);
  if (refused) return refused;
  if (error instanceof WebAPIRateLimitedError)
    return new RetryableDeliveryError(
      `Slack ${method}: rate limited, retry after ${error.retryAfter} s`,
      error.retryAfter * 1000,
      'rate_limited',
    );
  if (error instanceof WebAPIPlatformError) {
    const code = oneLine(error.data.error, 100);
    const text = `Slack ${method}: ${code}`;
    const errorClass = SLACK_AUTH_ERRORS.has(code)
      ? 'auth_failed'
      : code === 'ratelimited'
        ? 'rate_limited'
        : 'rejected';
    if (SLACK_PERMANENT_ERRORS.has(code)) return new PermanentDeliveryError(text, errorClass);
    const retryAfter = error.data.response_metadata?.retryAfter;
    return new RetryableDeliveryError(
      text,
      retryAfter !== undefined ? retryAfter * 1000 : undefined,
      errorClass,
    );
  }
  if (error instanceof WebAPIHTTPError) {
    const retryAfter = Number.parseInt(error.headers['retry-after'] ?? '', 10);
    return new RetryableDeliveryError(
      `Slack ${method}: HTTP ${error.statusCode}`,
      Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
      error.statusCode >= 500 ? 'http_5xx' : 'http_4xx',
    );
  }
  if (error instanceof WebAPIRequestError)
    return new RetryableDeliveryError(
      redact(`Slack ${method}: request failed: ${errorSummary(error.original)}`, token),
      undefined,
      networkErrorClass(error.original),
    );
  return new RetryableDeliveryError(redact(`Slack ${method}: ${errorSummary(error)}`, token));
}

function redact(text: string, secret: string): string {
  return secret === '' ? text : text.split(secret).join('[redacted]');
}
