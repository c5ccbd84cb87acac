import { z } from 'zod';
import { ACCOUNT_ID } from './account-id';

/** The kinds of 1Password source vaultwatch polls. */
export const SOURCE_KINDS = ['events_api', 'connect'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** The source the OP_EVENTS_API_* and OP_CONNECT_* variables define; no other may take it. */
export const DEFAULT_SOURCE_NAME = 'default';
const SOURCE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** What an operator writes for one named source (in the sources file or a POST body). */
export interface SourceSpec {
  name: string;
  kind: SourceKind;
  /** Events API: default from the token's audience; Connect: required. */
  url?: string;
  token: string;
  /** Connect only: the account, when the token does not name it. */
  account?: string;
  pollIntervalSeconds?: number;
  /** Events API only: the request budget of this token. */
  maxRequestsPerMinute?: number;
  /** Events API only: how far back a source without a cursor starts reading. */
  startTime?: string;
}

export interface FieldProblem {
  field: string;
  reason: string;
}

export type SpecCheck<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/** `required` when the field is absent, else `reason`: the value itself is never echoed. */
const says = (reason: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'required' : reason;

const fields = {
  name: z
    .string({ error: says('must be a string') })
    .regex(SOURCE_NAME, 'must be a lower-case slug: a-z, 0-9 and inner hyphens, 1 to 40 characters')
    .refine((name) => name !== DEFAULT_SOURCE_NAME, {
      error: `"${DEFAULT_SOURCE_NAME}" is the source of the OP_EVENTS_API_* and OP_CONNECT_* variables`,
    }),
  kind: z.enum(SOURCE_KINDS, { error: says(`must be one of ${SOURCE_KINDS.join(', ')}`) }),
  url: z
    .string({ error: says('must be an http(s) URL') })
    .max(2048, 'must be at most 2048 characters')
    .refine(isHttpUrl, 'must be an http(s) URL'),
  token: z
    .string({ error: says('must be a string') })
    .min(1, 'required')
    .max(8192, 'must be at most 8192 characters')
    .refine((token) => !/\s/.test(token), 'must not contain white space'),
  account: z
    .string({ error: says('must be a string') })
    .refine(
      (account) => ACCOUNT_ID.test(account.toUpperCase()),
      'must be a 1Password account id: 26 letters and digits',
    ),
  pollIntervalSeconds: z
    .number({ error: says('must be a number of seconds') })
    .positive('must be more than 0')
    .max(86_400, 'must be at most 86400'),
  maxRequestsPerMinute: z
    .number({ error: says('must be a whole number') })
    .int('must be a whole number')
    .positive('must be more than 0')
    .max(1_000_000, 'must be at most 1000000'),
  startTime: z.iso.datetime({
    offset: true,
    error: says('must be an RFC 3339 time such as 2026-01-01T00:00:00Z'),
  }),
};

const unknownKeys = { error: 'unknown field' } as const;

const createSchema = z
  .strictObject(
    {
      name: fields.name,
      kind: fields.kind,
      url: fields.url.optional(),
      token: fields.token,
      account: fields.account.optional(),
      pollIntervalSeconds: fields.pollIntervalSeconds.optional(),
      maxRequestsPerMinute: fields.maxRequestsPerMinute.optional(),
      startTime: fields.startTime.optional(),
    },
    unknownKeys,
  )
  .superRefine((spec, ctx) => {
    if (spec.kind === 'connect') {
      if (spec.url === undefined)
        ctx.addIssue({ code: 'custom', path: ['url'], message: 'required for a Connect server' });
      for (const field of ['maxRequestsPerMinute', 'startTime'] as const) {
        if (spec[field] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [field], message: 'only for an Events API source' });
        }
      }
    } else if (spec.account !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['account'],
        message: 'only for a Connect server: an Events API token names its account',
      });
    }
  });

/** A PATCH body: any field but the name and the kind, which identify the source. */
const patchSchema = z.strictObject(
  {
    name: z.never({ error: 'cannot be changed: delete the source and create it again' }).optional(),
    kind: z.never({ error: 'cannot be changed: delete the source and create it again' }).optional(),
    url: fields.url.optional(),
    token: fields.token.optional(),
    account: fields.account.nullable().optional(),
    pollIntervalSeconds: fields.pollIntervalSeconds.nullable().optional(),
    maxRequestsPerMinute: fields.maxRequestsPerMinute.nullable().optional(),
    startTime: fields.startTime.nullable().optional(),
  },
  unknownKeys,
);

/** A change to a source: a field set to null goes back to its default. */
export type SourcePatch = Partial<{
  url: string;
  token: string;
  account: string | null;
  pollIntervalSeconds: number | null;
  maxRequestsPerMinute: number | null;
  startTime: string | null;
}>;

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function problemsOf(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = [...issue.path];
    // An unknown key is reported on the object: name the key itself.
    if (issue.code === 'unrecognized_keys') path.push(issue.keys.map(keyLabel).join(', '));
    return { field: `${prefix}${formatPath(path)}` || 'body', reason: issue.message };
  });
}

/**
 * An unknown key as a problem names it: as written when it looks like a field name, else
 * by its length (a key may be a token pasted in the wrong place).
 */
export function keyLabel(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]{0,39}$/.test(key) ? key : `<a key of ${key.length} characters>`;
}

function formatPath(path: PropertyKey[]): string {
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** Checks a whole source definition (a sources-file entry, a POST body). */
export function checkSourceSpec(input: unknown): SpecCheck<SourceSpec> {
  const parsed = createSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: problemsOf(parsed.error) };
}

/**
 * Checks a PATCH body, then the source it would make: a Connect server keeps its URL, an
 * Events API source takes no account. The stored token stands in when none is sent.
 */
export function checkSourcePatch(
  current: Omit<SourceSpec, 'token'>,
  input: unknown,
): SpecCheck<SourcePatch> {
  const parsed = patchSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  // name and kind parse only when absent (or undefined): what is left is the patch.
  const patch: SourcePatch = { ...parsed.data };
  Reflect.deleteProperty(patch, 'name');
  Reflect.deleteProperty(patch, 'kind');
  const merged = applySourcePatch({ ...current, token: 'stored' }, patch);
  const check = checkSourceSpec(merged);
  return check.ok ? { ok: true, value: patch } : check;
}

/** The definition a patch makes: null clears a field back to its default. */
export function applySourcePatch(spec: SourceSpec, patch: SourcePatch): SourceSpec {
  const next: Record<string, unknown> = { ...spec };
  for (const [key, value] of Object.entries(patch) as Array<[string, unknown]>) {
    if (value === null) Reflect.deleteProperty(next, key);
    else if (value !== undefined) next[key] = value;
  }
  return next as unknown as SourceSpec;
}

/** Where a source is defined: the OP_* variables and the sources file are read-only over the API. */
export type SourceOrigin = 'env' | 'file' | 'api';

/** A named source with its defaults filled in: what ingest polls. */
export interface SourceDefinition {
  name: string;
  kind: SourceKind;
  origin: SourceOrigin;
  url: string | null;
  token: string;
  /** Connect: the account named in the definition; the token's claim otherwise. */
  account: string | null;
  pollIntervalMs: number;
  maxRequestsPerMinute: number;
  startTime: Date;
}

/** The defaults a definition takes from the environment. */
export interface SourceDefaults {
  eventsPollIntervalMs: number;
  connectPollIntervalMs: number;
  maxRequestsPerMinute: number;
  startTime: Date;
}

export function resolveSourceSpec(
  spec: SourceSpec,
  origin: SourceOrigin,
  defaults: SourceDefaults,
): SourceDefinition {
  const defaultInterval =
    spec.kind === 'connect' ? defaults.connectPollIntervalMs : defaults.eventsPollIntervalMs;
  return {
    name: spec.name,
    kind: spec.kind,
    origin,
    url: spec.url ?? null,
    token: spec.token,
    account: spec.account ?? null,
    pollIntervalMs:
      spec.pollIntervalSeconds === undefined ? defaultInterval : spec.pollIntervalSeconds * 1000,
    maxRequestsPerMinute: spec.maxRequestsPerMinute ?? defaults.maxRequestsPerMinute,
    startTime: spec.startTime ? new Date(spec.startTime) : defaults.startTime,
  };
}
