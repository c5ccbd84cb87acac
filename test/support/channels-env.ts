import { FAKE_SLACK_TOKEN, type FakeSlackApi } from '../../simulator/fake-slack';
import type { SmtpCatcher } from '../../simulator/smtp-catcher';

/** The secret the fake Slack signs its interaction requests with. */
export const SLACK_SIGNING_SECRET = 'slack-signing-secret-for-tests';

/**
 * The environment of a service that tells people through the fake Slack (`channel`) and the
 * SMTP catcher, mail going to security@example.com, links to vaultwatch.example.com.
 */
export function channelsEnv(
  slack: FakeSlackApi,
  smtp: SmtpCatcher,
  channel: string,
): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: FAKE_SLACK_TOKEN,
    SLACK_CHANNEL: channel,
    SLACK_API_URL: slack.apiUrl,
    SLACK_SIGNING_SECRET,
    SMTP_URL: smtp.url,
    ALERT_EMAIL_FROM: 'vaultwatch@example.com',
    ALERT_EMAIL_TO: 'security@example.com',
    PUBLIC_URL: 'https://vaultwatch.example.com',
  };
}
