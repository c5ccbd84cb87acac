/**
 * Where Connect requests sit in `/v1/activity`. Its order is undocumented, so positions are
 * counted by age: 0 is the oldest request the server still lists, `total - 1` the newest.
 * New requests take the next ages whichever way the server lists them, so an age stays put
 * while the log grows; only retention or a reset log moves them, which the overlap check of
 * every page notices.
 */
export type ListingOrder = 'newest_first' | 'oldest_first';

/** Ages [lo, hi) that one answered page covers. */
export interface AgeSpan {
  lo: number;
  hi: number;
}

/** The offset of the page whose oldest request has age `lo` (clamped at the list's head). */
export function offsetFor(order: ListingOrder, total: number, lo: number, limit: number): number {
  return order === 'oldest_first' ? lo : Math.max(0, total - lo - limit);
}

/** The ages an answer covers, from its offset, length and Content-Range total. */
export function spanOf(order: ListingOrder, offset: number, count: number, total: number): AgeSpan {
  return order === 'oldest_first'
    ? { lo: offset, hi: offset + count }
    : { lo: total - offset - count, hi: total - offset };
}

/** A page's items, oldest first. */
export function byAge<T>(order: ListingOrder, items: readonly T[]): T[] {
  return order === 'oldest_first' ? [...items] : [...items].reverse();
}

/**
 * What to do with a page read to extend `frontier` (every request younger than it is
 * stored). `accept`: it starts at or below the frontier, overlapping it by at least one
 * request (none needed at 0); `gap`: requests arrived between two answers and pushed the
 * page above the frontier, so ask again with the new total; `resync`: the list is shorter
 * than the frontier (a reset log), so step back.
 */
export function judgeSpan(
  frontier: number,
  span: AgeSpan,
  total: number,
): 'accept' | 'gap' | 'resync' {
  if (total < frontier) return 'resync';
  if (frontier === 0) return span.lo === 0 ? 'accept' : 'gap';
  return span.lo < frontier ? 'accept' : 'gap';
}

/** Reads the server's listing order off a page's timestamps; undefined while it cannot tell. */
export function inferOrder(items: readonly unknown[]): ListingOrder | undefined {
  const times = items
    .map((item) => Date.parse(String((item as { timestamp?: unknown } | null)?.timestamp)))
    .filter((time) => !Number.isNaN(time));
  if (times.length < 2 || times[0] === times[times.length - 1]) return undefined;
  return times[0] > times[times.length - 1] ? 'newest_first' : 'oldest_first';
}
