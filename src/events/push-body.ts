/** Bodies read as JSON by the JSON parser, and as text (NDJSON, or a JSON array) by ours. */
export const JSON_BODY_TYPES = ['application/json', '+json'];
export const TEXT_BODY_TYPES = [
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'text/plain',
];
export const PUSH_CONTENT_TYPES = [...JSON_BODY_TYPES, ...TEXT_BODY_TYPES];

export type PushedEntry = { ok: true; value: unknown } | { ok: false; reason: string; raw: string };

/**
 * Splits what the 1Password APIs return into entries: a JSON array, one object, an Events
 * API page (`{items, cursor, has_more}`), or NDJSON text with one object per line. A line
 * that is not JSON becomes an unreadable entry in its place, so positions stay right.
 */
export function splitPushedBody(body: unknown): PushedEntry[] {
  if (typeof body === 'string') return splitText(body);
  if (Array.isArray(body)) return body.map(readable);
  if (isEventsPage(body)) return body.items.map(readable);
  if (body !== null && typeof body === 'object' && Object.keys(body).length > 0) {
    return [readable(body)];
  }
  return [];
}

const readable = (value: unknown): PushedEntry => ({ ok: true, value });

function isEventsPage(body: unknown): body is { items: unknown[] } {
  return (
    body !== null &&
    typeof body === 'object' &&
    Array.isArray((body as { items?: unknown }).items) &&
    'cursor' in body
  );
}

function splitText(body: string): PushedEntry[] {
  // A byte order mark is no part of the first line.
  const text = body.startsWith('\uFEFF') ? body.slice(1) : body;
  const trimmed = text.trim();
  // A JSON array sent with a text or NDJSON content type is still a JSON array.
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.map(readable);
    } catch {
      // not one JSON document: read it line by line
    }
  }
  const entries: PushedEntry[] = [];
  text.split(/\r?\n/).forEach((line, lineIndex) => {
    if (line.trim() === '') return;
    try {
      entries.push(readable(JSON.parse(line)));
    } catch {
      entries.push({ ok: false, reason: `line ${lineIndex + 1}: not valid JSON`, raw: line });
    }
  });
  return entries;
}
