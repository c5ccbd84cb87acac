import type { DetectEvent } from '../../events/detect-event';

/** Helpers that turn figures into the one-sentence explanations alerts carry. */

/** 7480 → "7,480"; 0.4 → "0.4"; at most `digits` decimals, trailing zeros dropped. */
export function formatNumber(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return String(value);
  const fixed = value.toFixed(digits);
  const [int, frac = ''] = fixed.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digitsOnly = sign ? int.slice(1) : int;
  const grouped = digitsOnly.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const trimmed = frac.replace(/0+$/, '');
  return `${sign}${grouped}${trimmed ? `.${trimmed}` : ''}`;
}

/** 600 → "10 minutes", 3600 → "1 hour", 1209600 → "14 days". */
export function formatDuration(seconds: number): string {
  const units: Array<[number, string]> = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) return plural(seconds / size, name);
  }
  if (seconds >= 120) return plural(Math.round(seconds / 60), 'minute');
  return plural(Math.round(seconds), 'second');
}

/** A measured gap in rounded words: "45 seconds", "35 minutes", "7 hours", "10 days". */
export function formatApproxDuration(seconds: number): string {
  if (seconds < 120) return plural(Math.round(seconds), 'second');
  if (seconds < 2 * 3600) return plural(Math.round(seconds / 60), 'minute');
  if (seconds < 2 * 86_400) return plural(Math.round(seconds / 3600), 'hour');
  return plural(Math.round(seconds / 86_400), 'day');
}

export function plural(n: number, singular: string, pluralForm = pluralize(singular)): string {
  return `${formatNumber(n, 0)} ${n === 1 ? singular : pluralForm}`;
}

/** reveal → reveals, secure-copy → secure-copies, fill → fills, address → addresses. */
export function pluralize(word: string): string {
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}

/** A probability that may be far below what a double holds, from its natural log. */
export function formatProbability(logP: number): string {
  if (logP >= 0) return '1';
  const p = Math.exp(logP);
  if (p >= 0.001) return formatNumber(p, 3);
  const log10 = logP / Math.LN10;
  let exponent = Math.floor(log10);
  let mantissa = Math.round(10 ** (log10 - exponent) * 10) / 10;
  if (mantissa >= 10) {
    mantissa = 1;
    exponent += 1;
  }
  return mantissa === 1 ? `1e${exponent}` : `${mantissa.toFixed(1)}e${exponent}`;
}

/** 2025-03-25T14:02:11Z (seconds precision, UTC). */
export function formatTime(t: number | Date): string {
  const iso = new Date(t).toISOString();
  return `${iso.slice(0, 19)}Z`;
}

/** The actor as a human reads it: the email when known, else the token or user id. */
export function who(e: DetectEvent): string {
  if (e.actorEmail) return e.actorEmail;
  if (e.actorId === null) return 'an unknown actor';
  return e.actorType === 'connect_token' ? `token ${e.actorId}` : `user ${e.actorId}`;
}

/** What a run of events is, in words: "exports", "sign-in attempts (credentials_failed)". */
export function describeEvents(events: readonly DetectEvent[]): string {
  const first = events.at(0);
  if (!first) return 'events';
  const same = <K extends 'action' | 'result'>(key: K): DetectEvent[K] =>
    events.every((e) => e[key] === first[key]) ? first[key] : null;
  const action = same('action');
  const result = same('result');
  let noun: string;
  if (first.stream === 'signin_attempt' && events.every((e) => e.stream === 'signin_attempt')) {
    noun = 'sign-in attempts';
  } else if (action !== null) {
    noun = first.stream === 'connect_activity' ? `${action} requests` : pluralize(action);
  } else {
    noun = 'events';
  }
  return result !== null ? `${noun} (${result})` : noun;
}

/** "Toronto, CA", "CA", or "43.65, -79.38". */
export function describePlace(e: DetectEvent): string {
  if (e.city && e.country) return `${e.city}, ${e.country}`;
  if (e.country) return e.country;
  if (e.latitude !== null && e.longitude !== null) {
    return `${e.latitude.toFixed(2)}, ${e.longitude.toFixed(2)}`;
  }
  return 'an unknown place';
}

/** The verb of an event in prose: sign-ins read "sign-in", others their action. */
export function actionWord(e: DetectEvent): string {
  if (e.stream === 'signin_attempt') return 'sign-in';
  return e.action ?? e.stream;
}

/** A short, payload-free description of what one event did. */
export function describeEvent(e: DetectEvent): string {
  const parts: string[] = [who(e)];
  if (e.stream === 'signin_attempt') {
    parts.push(`sign-in ${e.result ?? 'attempt'}${e.resultDetail ? ` (${e.resultDetail})` : ''}`);
  } else {
    parts.push(e.action ?? 'acted');
    if (e.objectType) parts.push(`on ${e.objectType}${e.objectId ? ` ${e.objectId}` : ''}`);
    else if (e.itemId)
      parts.push(`on item ${e.itemId}${e.vaultId ? ` in vault ${e.vaultId}` : ''}`);
    else if (e.vaultId) parts.push(`on vault ${e.vaultId}`);
    if (e.stream === 'connect_activity' && e.result) parts.push(`(${e.result})`);
  }
  if (e.auxId && e.auxId === e.actorId) parts.push('(on themself)');
  else if (e.auxId) parts.push(`(for ${e.auxId})`);
  if (e.ip) parts.push(`from ${e.ip}${e.country ? ` (${e.country})` : ''}`);
  else if (e.country) parts.push(`from ${e.country}`);
  return parts.join(' ');
}
