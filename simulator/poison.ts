/**
 * What a watched user (or a broken client) can put into an event that PostgreSQL cannot take as
 * it is, or that lies outside a field's domain. Each kind turns a good event into a poisoned
 * one that must still be stored, with the offending parts made safe or dropped.
 */

type Raw = Record<string, unknown>;

/** `{a: {a: … 'bottom'}}`, `depth` levels deep, built without recursion. */
export function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

const isConnect = (raw: Raw) => 'requestId' in raw || 'requestID' in raw;

const withUser = (raw: Raw, patch: Raw): Raw => {
  if (isConnect(raw)) return { ...raw, actor: { ...(raw.actor as Raw), ...patch } };
  const key =
    'target_user' in raw ? 'target_user' : 'actor_details' in raw ? 'actor_details' : 'user';
  return { ...raw, [key]: { ...(raw[key] as Raw | undefined), ...patch } };
};

export const POISON_KINDS = {
  /** jsonb refuses \u0000 and text columns cannot hold it. */
  nulInName: (raw: Raw) => withUser(raw, { name: 'Mal\u0000lory' }),
  /** JSON.stringify writes them as \udXXX escapes, which jsonb refuses. */
  loneSurrogate: (raw: Raw) => withUser(raw, { email: 'mallory\uD800@example.com' }),
  /** Deeper than JSON.stringify's and PostgreSQL's parsers recurse comfortably (a fake can serve it). */
  deepNesting: (raw: Raw) => ({ ...raw, extra: nested(3000) }),
  /** 60 KB of text in every string a client chooses: too big for a btree index row. */
  hugeStrings: (raw: Raw) =>
    isConnect(raw)
      ? {
          ...raw,
          actor: { ...(raw.actor as Raw), userAgent: 'A'.repeat(60_000), jti: 'j'.repeat(3000) },
        }
      : withUser(
          { ...raw, action: 'a'.repeat(60_000) },
          {
            name: 'N'.repeat(60_000),
            uuid: 'U'.repeat(3000),
          },
        ),
  /** Schema-valid but impossible: what a schema-driven mock serves. */
  outOfDomain: (raw: Raw) => ({
    ...raw,
    location: { country: 'Nowhere', latitude: 77_303_399, longitude: -1e300, city: 'Oslo' },
    client: { app_name: 'x', ip_address: 'not-an-ip' },
  }),
} satisfies Record<string, (raw: Raw) => Raw>;

export type PoisonKind = keyof typeof POISON_KINDS;
export const POISON_NAMES = Object.keys(POISON_KINDS) as PoisonKind[];

/** Objects that are not events at all, or whose id or time is unusable: rejections. */
export function unusable(good: Raw, idKey = 'uuid'): Array<{ what: string; raw: unknown }> {
  const withId = (id: unknown) => ({ ...good, [idKey]: id });
  return [
    { what: 'null', raw: null },
    { what: 'a number', raw: 42 },
    { what: 'no id', raw: withId(undefined) },
    { what: 'an id of 3,000 characters', raw: withId('X'.repeat(3000)) },
    { what: 'an id holding NUL', raw: withId('AB\u0000CD') },
    { what: 'no time', raw: { ...good, timestamp: 'yesterday' } },
  ];
}
