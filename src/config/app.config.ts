import { ConfigType, registerAs } from '@nestjs/config';
import { Env, loadEnv, parseEncryptionKey } from './env.schema';
import {
  DEFAULT_SOURCE_NAME,
  resolveSourceSpec,
  SourceDefaults,
  SourceDefinition,
} from './source-definition';
import { loadSourcesFile } from './sources-file';

const env = loadEnv;

export const appConfig = registerAs('app', () => {
  const e = env();
  return {
    role: e.APP_ROLE,
    logLevel: e.LOG_LEVEL,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL,
    bodyLimit: e.BODY_LIMIT,
    adminApiKey: e.ADMIN_API_KEY,
  };
});

export const databaseConfig = registerAs('database', () => {
  const url = env().DATABASE_URL;
  // main.ts starts the embedded server and sets its URL before the application is built.
  if (!url) throw new Error('DATABASE_URL is not set and no embedded PostgreSQL was started');
  return { url };
});

export const queueConfig = registerAs('queue', () => {
  const e = env();
  return { backend: e.QUEUE_BACKEND, redisUrl: e.REDIS_URL, prefix: e.QUEUE_PREFIX };
});

export const sourcesConfig = registerAs('sources', () => {
  const e = env();
  const defaults: SourceDefaults = {
    eventsPollIntervalMs: e.OP_EVENTS_POLL_INTERVAL * 1000,
    connectPollIntervalMs: e.OP_CONNECT_POLL_INTERVAL * 1000,
    maxRequestsPerMinute: e.OP_EVENTS_MAX_REQUESTS_PER_MINUTE,
    startTime: e.OP_EVENTS_START_TIME
      ? new Date(e.OP_EVENTS_START_TIME)
      : new Date(Date.now() - 30 * 86_400_000),
  };
  return {
    definitions: [
      ...environmentSources(e, defaults),
      ...(e.SOURCES_FILE ? loadSourcesFile(e.SOURCES_FILE) : []).map((spec) =>
        resolveSourceSpec(spec, 'file', defaults),
      ),
    ],
    defaults,
    encryptionKey: e.SOURCES_ENCRYPTION_KEY ? parseEncryptionKey(e.SOURCES_ENCRYPTION_KEY) : null,
    reconcileIntervalMs: e.SOURCES_RECONCILE_INTERVAL * 1000,
    requestTimeoutMs: e.OP_REQUEST_TIMEOUT * 1000,
    detectSweepAfterMs: e.DETECT_SWEEP_AFTER,
  };
});

/** The `default` source of the single-source variables: an Events API token, a Connect server. */
function environmentSources(e: Env, defaults: SourceDefaults): SourceDefinition[] {
  const definitions: SourceDefinition[] = [];
  const base = { name: DEFAULT_SOURCE_NAME, origin: 'env' as const, account: null, ...defaults };
  if (e.OP_EVENTS_API_TOKEN) {
    definitions.push({
      ...base,
      kind: 'events_api',
      url: e.OP_EVENTS_API_URL ?? null,
      token: e.OP_EVENTS_API_TOKEN,
      pollIntervalMs: defaults.eventsPollIntervalMs,
    });
  }
  if (e.OP_CONNECT_URL && e.OP_CONNECT_TOKEN) {
    definitions.push({
      ...base,
      kind: 'connect',
      url: e.OP_CONNECT_URL,
      token: e.OP_CONNECT_TOKEN,
      pollIntervalMs: defaults.connectPollIntervalMs,
    });
  }
  return definitions;
}

export const eventsConfig = registerAs('events', () => ({
  rejectedRetentionMs: env().REJECTED_EVENTS_RETENTION,
}));

export const alertingConfig = registerAs('alerting', () => ({ horizonMs: env().ALERT_HORIZON }));

export const notificationsConfig = registerAs('notifications', () => {
  const e = env();
  return {
    publicUrl: e.PUBLIC_URL.replace(/\/+$/, ''),
    slack:
      e.SLACK_BOT_TOKEN && e.SLACK_CHANNEL
        ? { token: e.SLACK_BOT_TOKEN, channel: e.SLACK_CHANNEL, apiUrl: e.SLACK_API_URL }
        : null,
    slackApiUrl: e.SLACK_API_URL,
    slackSigningSecret: e.SLACK_SIGNING_SECRET ?? null,
    allowPrivateDestinations: e.ALLOW_PRIVATE_DESTINATIONS,
    sweepAfterMs: e.NOTIFY_SWEEP_AFTER,
    email:
      e.SMTP_URL && e.ALERT_EMAIL_FROM && e.ALERT_EMAIL_TO
        ? {
            smtpUrl: e.SMTP_URL,
            from: e.ALERT_EMAIL_FROM,
            to: e.ALERT_EMAIL_TO.split(',')
              .map((address) => address.trim())
              .filter(Boolean),
          }
        : null,
  };
});

export type AppConfig = ConfigType<typeof appConfig>;
export type DatabaseConfig = ConfigType<typeof databaseConfig>;
export type QueueConfig = ConfigType<typeof queueConfig>;
export type SourcesConfig = ConfigType<typeof sourcesConfig>;
export type EventsConfig = ConfigType<typeof eventsConfig>;
export type AlertingConfig = ConfigType<typeof alertingConfig>;
export type NotificationsConfig = ConfigType<typeof notificationsConfig>;

export const ALL_CONFIG = [
  appConfig,
  databaseConfig,
  queueConfig,
  sourcesConfig,
  eventsConfig,
  alertingConfig,
  notificationsConfig,
];
