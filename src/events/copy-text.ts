/**
 * Values as fields of COPY's text format, the cheapest form PostgreSQL reads rows in: fields
 * are separated by tabs, rows by newlines, NULL is `\N`, and a backslash, newline, carriage
 * return or tab in a value is escaped with a backslash.
 */
export function copyTextValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '\\N';
  const text =
    typeof value === 'string'
      ? value
      : value instanceof Date
        ? value.toISOString()
        : JSON.stringify(value); // jsonb
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, escape) : text;
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

/** One row of COPY's text format, newline included. */
export const copyTextRow = (values: readonly unknown[]): string =>
  `${values.map(copyTextValue).join('\t')}\n`;

/** Rows as COPY text, `rowsPerChunk` rows to a chunk: what a COPY stream is written. */
export function* copyTextChunks(
  rows: Iterable<readonly unknown[]>,
  rowsPerChunk: number,
): Generator<string> {
  let chunk = '';
  let count = 0;
  for (const row of rows) {
    chunk += copyTextRow(row);
    if (++count % rowsPerChunk === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}
