import type { ChannelConfigByType, ChannelType } from './channels/channel';
import type { DestinationGuard } from './destinations/destination-guard';

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

export interface ChannelDefaults {
  slackApiUrl: string;
  guard: DestinationGuard;
}

/** The secrets each type sends to its destination: never to be replayed to a new one. */
export const SECRET_FIELDS: Record<ChannelType, string[]> = {
  slack: ['token'],
  email: ['smtpUrl'], // the SMTP URL holds the host and the password together
  webhook: ['secret'],
};

/** Where a channel's requests go: the setting that names it and its value. */
export function destinationOf(
  type: ChannelType,
  settings: Record<string, unknown>,
  secrets: Record<string, unknown>,
  defaults: Pick<ChannelDefaults, 'slackApiUrl'>,
): { field: string; value: unknown } {
  switch (type) {
    case 'slack':
      return { field: 'settings.apiUrl', value: settings.apiUrl ?? defaults.slackApiUrl };
    case 'webhook':
      return { field: 'settings.url', value: settings.url };
    case 'email':
      return { field: 'secrets.smtpUrl', value: secrets.smtpUrl };
  }
}

/** Why a URL's host may not be reached, when it is a literal internal address. */
function hostRefusal(value: unknown, guard: DestinationGuard): string | null {
  if (typeof value !== 'string') return null;
  try {
    const host = new URL(value).hostname;
    const refusal = guard.literalRefusal(host);
    return refusal ? `host ${host}: ${refusal}` : null;
  } catch {
    return null;
  }
}

/**
 * Checks a channel's settings and secrets for its type and builds the config its channel
 * sends with. Problems name the field: `settings.channel: required`.
 */
export function buildChannelConfig<T extends ChannelType>(
  type: T,
  settings: Record<string, unknown>,
  secrets: Record<string, unknown>,
  defaults: ChannelDefaults,
): { ok: true; config: ChannelConfigByType[T] } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const need = (ok: boolean, field: string, reason: string) => {
    if (!ok) problems.push({ field, reason });
  };
  const reachable = (value: unknown, field: string) => {
    const refusal = hostRefusal(value, defaults.guard);
    if (refusal) problems.push({ field, reason: refusal });
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
      reachable(settings.apiUrl, 'settings.apiUrl');
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
      reachable(secrets.smtpUrl, 'secrets.smtpUrl');
      config = {
        from: String(settings.from),
        to: to.map(String),
        smtpUrl: String(secrets.smtpUrl),
      };
      break;
    }
    case 'webhook':
      need(isHttpUrl(settings.url), 'settings.url', 'required: an http(s) URL');
      reachable(settings.url, 'settings.url');
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
