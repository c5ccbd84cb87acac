import { z } from 'zod';
import type { DestinationGuard } from '../destinations/destination-guard';
import type { NotificationChannel } from './channel';

export interface FieldProblem {
  field: string;
  reason: string;
}

/** A field an admin sets on a channel, as the API describes it. */
export interface ChannelField {
  name: string;
  /** Write-only: never returned, asked again when the destination changes. */
  secret: boolean;
  required: boolean;
  /** A list of strings rather than one. */
  list: boolean;
}

const SECRETS = z.registry();

/**
 * Marks a settings field as a secret: it is sent under `secrets`, stored apart, never
 * returned or logged, and required again whenever the channel's destination changes.
 */
export function secret<T extends z.ZodType>(schema: T): T {
  SECRETS.add(schema, {});
  return schema;
}

/** A string that must be there; `reason` is what the API answers when it is not. */
export const requiredText = (reason: string) =>
  z.string({ error: reason }).min(1, { error: reason });

const hasProtocol = (protocols: string[]) => (value: string) => {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

export const httpUrl = (reason = 'must be an http(s) URL') =>
  z.string({ error: reason }).refine(hasProtocol(['http:', 'https:']), { error: reason });

export const smtpUrl = (reason: string) =>
  z.string({ error: reason }).refine(hasProtocol(['smtp:', 'smtps:']), { error: reason });

const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;
export const emailAddress = (reason: string) => z.string({ error: reason }).regex(EMAIL, reason);

export function secretFieldsOf(channel: NotificationChannel): string[] {
  return Object.entries(channel.settings.shape)
    .filter(([, field]) => SECRETS.has(field))
    .map(([name]) => name);
}

/** The fields of a channel type, for forms: derived from its settings schema. */
export function fieldsOf(channel: NotificationChannel): ChannelField[] {
  const secrets = new Set(secretFieldsOf(channel));
  const schema = z.toJSONSchema(channel.settings, { io: 'input', unrepresentable: 'any' });
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    secret: secrets.has(name),
    required: required.has(name),
    list: typeof property === 'object' && property.type === 'array',
  }));
}

/** How a field is named in the API: secrets and settings are sent and stored apart. */
function apiField(channel: NotificationChannel, name: string): string {
  return `${secretFieldsOf(channel).includes(name) ? 'secrets' : 'settings'}.${name}`;
}

/** Where a channel's requests go: the setting that names it and its value, defaults applied. */
export function destinationOf(
  channel: NotificationChannel,
  settings: Record<string, unknown>,
  secrets: Record<string, unknown>,
): { field: string; value: unknown } {
  const name = channel.destinationField;
  const raw = { ...settings, ...secrets }[name];
  const parsed = channel.settings.shape[name].safeParse(raw);
  return { field: apiField(channel, name), value: parsed.success ? parsed.data : raw };
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
 * Checks a channel's settings and secrets against its schema and builds the config it sends
 * with. Problems name the field: `settings.channel: required`. Secret fields come under
 * `secrets` only, so that nothing secret is ever stored where the API shows it.
 */
export function parseChannelSettings(
  channel: NotificationChannel,
  settings: Record<string, unknown>,
  secrets: Record<string, unknown>,
  guard: DestinationGuard,
): { ok: true; config: Record<string, unknown> } | { ok: false; problems: FieldProblem[] } {
  const secretNames = secretFieldsOf(channel);
  const problems: FieldProblem[] = [];
  const add = (field: string, reason: string) => {
    if (!problems.some((problem) => problem.field === field)) problems.push({ field, reason });
  };
  for (const name of Object.keys(settings))
    if (secretNames.includes(name)) add(`settings.${name}`, 'a secret: send it under secrets');
  for (const name of Object.keys(secrets))
    if (!secretNames.includes(name))
      add(`secrets.${name}`, `not a secret of a ${channel.type} channel`);
  if (problems.length) return { ok: false, problems };

  const parsed = channel.settings.safeParse({ ...settings, ...secrets });
  if (!parsed.success)
    for (const issue of parsed.error.issues)
      add(apiField(channel, String(issue.path[0] ?? '')), issue.message);
  const destination = destinationOf(channel, settings, secrets);
  const refusal = hostRefusal(destination.value, guard);
  if (refusal) add(destination.field, refusal);
  return parsed.success && problems.length === 0
    ? { ok: true, config: parsed.data }
    : { ok: false, problems };
}
