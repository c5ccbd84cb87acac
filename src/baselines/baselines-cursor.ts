import { ENTITY_TYPES, type EntityType } from './baseline-snapshot';

/**
 * Keyset position in the baselines list (newest activity first): the last row's activity
 * time, as PostgreSQL printed it (microseconds kept), and its key. Opaque to clients.
 */
export interface ListPosition {
  lastEventAt: string;
  entityType: EntityType;
  entityId: string;
  accountId: string;
}

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(
    JSON.stringify([
      position.lastEventAt,
      position.entityType,
      position.entityId,
      position.accountId,
    ]),
    'utf8',
  ).toString('base64url');
}

/** Null when the text is not a cursor this API handed out. */
export function decodeCursor(cursor: string): ListPosition | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  // Cursors handed out before accounts were recorded have three parts: no account.
  if (!Array.isArray(parsed) || (parsed.length !== 3 && parsed.length !== 4)) return null;
  const [lastEventAt, entityType, entityId, accountId = ''] = parsed as unknown[];
  if (typeof lastEventAt !== 'string' || !TIME.test(lastEventAt)) return null;
  if (!ENTITY_TYPES.some((type) => type === entityType)) return null;
  if (typeof entityId !== 'string' || entityId === '') return null;
  if (typeof accountId !== 'string') return null;
  return { lastEventAt, entityType: entityType as EntityType, entityId, accountId };
}
