/**
 * Values as fields of COPY's text format, the cheapest form PostgreSQL reads rows in: fields
 * are separated by tabs, rows by newlines, NULL is `\N`, and a backslash, newline, carriage
 * return or tab in a value is escaped with a backslash.
 */
export function copyTextValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '\\N';
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'string') {
    // jsonb. JSON writes newlines, returns and tabs in strings as escapes: only its own
    // backslashes need escaping, found without a regular expression over the whole text.
    const json = JSON.stringify(value);
    return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
  }
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, escape) : value;
}

const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPED = /[\\\n\r\t]/g;
const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};
const escape = (character: string): string => ESCAPES[character];

/** One row of COPY's text format, newline left out. */
const copyTextFields = (values: readonly unknown[]): string => values.map(copyTextValue).join('\t');

/** One row of COPY's text format, newline included. */
export const copyTextRow = (values: readonly unknown[]): string => `${copyTextFields(values)}\n`;

const NEWLINE = 0x0a;

/** What a COPY stream is written in: large enough to cost few writes, small enough to stream. */
const CHUNK_BYTES = 512 * 1024;

/**
 * Rows as COPY text, encoded once straight into chunks of about `chunkBytes`: what a COPY
 * stream is written. A row may end in the next chunk; COPY reads the stream as one text.
 */
export function* copyTextChunks(
  rows: Iterable<readonly unknown[]>,
  chunkBytes = CHUNK_BYTES,
): Generator<Buffer> {
  let chunk = Buffer.allocUnsafe(chunkBytes);
  let used = 0;
  for (const row of rows) {
    // The newline is written as a byte: the text and a newline would be copied into one string.
    const fields = copyTextFields(row);
    const most = fields.length * 3 + 1; // UTF-8 takes at most three bytes per UTF-16 unit
    if (used + most > chunk.length) {
      if (used > 0) yield chunk.subarray(0, used);
      chunk = Buffer.allocUnsafe(Math.max(chunkBytes, most));
      used = 0;
    }
    used += chunk.write(fields, used);
    chunk[used++] = NEWLINE;
  }
  if (used > 0) yield chunk.subarray(0, used);
}
