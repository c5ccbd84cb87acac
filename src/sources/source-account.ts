import type { NormalizedEvent } from '../events/normalize/normalized-event';

/**
 * Account ids are upper-case everywhere (events, sources): the spelling of the Events API,
 * whose normalizers upper-case `account_uuid`, and of the Connect normalizer alike.
 */
export function accountIdOf(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed.toUpperCase() : null;
}

/** The account a Connect token names in its `1password.com/auuid` claim (decoded, not verified). */
export function connectTokenAccount(token: string): string | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const account = claims['1password.com/auuid'];
    return typeof account === 'string' ? accountIdOf(account) : null;
  } catch {
    return null;
  }
}

/** Every event a source stores carries an account: its own if it names one, else the source's. */
export function fillAccount(events: NormalizedEvent[], accountId: string | null): void {
  if (accountId === null) return;
  for (const event of events) event.accountId ??= accountId;
}
