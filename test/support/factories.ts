/** Small, explicit 1Password objects for tests that need exact control over each event. */
import { createHash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A 26-character base32 id derived from a label and a number, upper-case like event uuids. */
export function opId(label: string, n: number): string {
  const digest = createHash('sha256').update(`${label}:${n}`).digest();
  let id = '';
  for (let i = 0; i < 26; i++) id += BASE32[digest[i] % 32];
  return id;
}

/** The n-th user of the test account. */
export const user = (n: number) => ({
  uuid: opId('user', n),
  name: `User ${n}`,
  email: `user${n}@example.com`,
});

const client = {
  app_name: '1Password for Mac',
  app_version: '81024001',
  platform_name: 'macOS',
  platform_version: '15.1',
  os_name: 'MacOSX',
  os_version: '15.1',
  ip_address: '203.0.113.7',
};

const toronto = {
  country: 'CA',
  region: 'Ontario',
  city: 'Toronto',
  latitude: 43.65,
  longitude: -79.38,
};

export function itemUsage(n: number, time: Date, overrides: Record<string, unknown> = {}) {
  return {
    uuid: opId('itemusage', n),
    timestamp: time.toISOString(),
    used_version: 1,
    vault_uuid: opId('vault', n % 3).toLowerCase(),
    item_uuid: opId('item', n % 50).toLowerCase(),
    action: 'reveal',
    user: user(n % 5),
    client,
    location: toronto,
    account_uuid: opId('account', 0),
    ...overrides,
  };
}

export function signInAttempt(n: number, time: Date, overrides: Record<string, unknown> = {}) {
  return {
    uuid: opId('signin', n),
    session_uuid: opId('session', n),
    timestamp: time.toISOString(),
    category: 'success',
    type: 'credentials_ok',
    country: 'CA',
    details: null,
    target_user: user(n % 5),
    client,
    location: toronto,
    account_uuid: opId('account', 0),
    ...overrides,
  };
}

export function auditEvent(n: number, time: Date, overrides: Record<string, unknown> = {}) {
  return {
    uuid: opId('audit', n),
    timestamp: time.toISOString(),
    actor_uuid: user(n % 5).uuid,
    actor_details: user(n % 5),
    action: 'join',
    object_type: 'gm',
    object_uuid: opId('group', n),
    session: { uuid: opId('session', n), login_time: time.toISOString(), ip: '203.0.113.7' },
    location: toronto,
    account_uuid: opId('account', 0),
    ...overrides,
  };
}

export function connectRequest(n: number, time: Date, overrides: Record<string, unknown> = {}) {
  const hex = createHash('sha256').update(`request:${n}`).digest('hex');
  return {
    requestId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`,
    timestamp: time.toISOString(),
    action: 'READ',
    result: 'SUCCESS',
    actor: {
      id: opId('connect-server', 0).toLowerCase(),
      account: opId('account', 0).toLowerCase(),
      jti: opId('jti', n % 2).toLowerCase(),
      userAgent: '1Password Connect SDK/1.5.0 (Go)',
      requestIp: '10.0.0.5',
    },
    resource: {
      type: 'ITEM',
      vault: { id: opId('vault', n % 3).toLowerCase() },
      item: { id: opId('item', n % 50).toLowerCase() },
      itemVersion: 1,
    },
    ...overrides,
  };
}
