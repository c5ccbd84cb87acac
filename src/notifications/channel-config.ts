import type { ChannelConfigByType, ChannelType } from './channels/channel';

export interface FieldProblem {
  field: string;
  reason: string;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

const isHttpUrl = (value: unknown) => {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

const isSmtpUrl = (value: unknown) => {
  if (typeof value !== 'string') return false;
  try {
    return ['smtp:', 'smtps:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/**
 * Checks a channel's settings and secrets for its type and builds the config its channel
 * sends with. Problems name the field: `settings.channel: required`.
 */
export function buildChannelConfig<T extends ChannelType>(
  type: T,
  settings: Record<string, unknown>,
  secrets: Record<string, unknown>,
  defaults: { slackApiUrl: string },
): { ok: true; config: ChannelConfigByType[T] } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const need = (ok: boolean, field: string, reason: string) => {
    if (!ok) problems.push({ field, reason });
  };
  let config: ChannelConfigByType[ChannelType];
  switch (type) {
    case 'slack':
      need(
        typeof settings.channel === 'string' && settings.channel !== '',
        'settings.channel',
        'required: a Slack channel id or name',
      );
      need(
        typeof secrets.token === 'string' && /^xox[bp]-/.test(secrets.token),
        'secrets.token',
        'required: a Slack bot token (xoxb-…)',
      );
      need(
        settings.apiUrl === undefined || isHttpUrl(settings.apiUrl),
        'settings.apiUrl',
        'must be an http(s) URL',
      );
      config = {
        channel: String(settings.channel),
        token: String(secrets.token),
        apiUrl: typeof settings.apiUrl === 'string' ? settings.apiUrl : defaults.slackApiUrl,
      };
      break;
    case 'email': {
      const to = Array.isArray(settings.to) ? settings.to : [];
      need(
        typeof settings.from === 'string' && EMAIL.test(settings.from),
        'settings.from',
        'required: an email address',
      );
      need(
        to.length > 0 && to.every((address) => typeof address === 'string' && EMAIL.test(address)),
        'settings.to',
        'required: a list of email addresses',
      );
      need(isSmtpUrl(secrets.smtpUrl), 'secrets.smtpUrl', 'required: an smtp:// or smtps:// URL');
      config = {
        from: String(settings.from),
        to: to.map(String),
        smtpUrl: String(secrets.smtpUrl),
      };
      break;
    }
    case 'webhook':
      need(isHttpUrl(settings.url), 'settings.url', 'required: an http(s) URL');
      need(
        typeof secrets.secret === 'string' && secrets.secret.length >= 16,
        'secrets.secret',
        'required: at least 16 characters, the HMAC-SHA256 key',
      );
      config = { url: String(settings.url), secret: String(secrets.secret) };
      break;
    default:
      return {
        ok: false,
        problems: [{ field: 'type', reason: 'must be slack, email or webhook' }],
      };
  }
  return problems.length
    ? { ok: false, problems }
    : { ok: true, config: config as ChannelConfigByType[T] };
}
