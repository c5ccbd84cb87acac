// Character codes, so parsing reads the string in place without slicing.
const ZERO = 48;
const DASH = 45;
const PLUS = 43;
const COLON = 58;
const DOT = 46;
const SPACE = 32;
const UPPER_T = 84;
const LOWER_T = 116;
const UPPER_Z = 90;
const LOWER_Z = 122;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9; // NaN (read past the end) is not a digit
}

/** Value of `count` ASCII digits at `start`, or -1 if any is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + code - ZERO;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1] ?? 0;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

function isDateTimeSeparator(code: number): boolean {
  // RFC 3339 5.6 allows a space instead of "T"; both letters may be lower-case.
  return code === UPPER_T || code === LOWER_T || code === SPACE;
}

/** Milliseconds from the fraction digits in [start, end). */
function fractionMillis(text: string, start: number, end: number): number {
  // Digits past the millisecond are dropped: a Date holds ms, `raw` keeps the original text.
  const used = Math.min(end - start, 3);
  return digitsAt(text, start, used) * (used === 1 ? 100 : used === 2 ? 10 : 1);
}

/** Offset east of UTC in minutes for "Z" or "±hh:mm" ending the text at `start`, else NaN. */
function offsetMinutesAt(text: string, start: number): number {
  const sign = text.charCodeAt(start);
  if (sign === UPPER_Z || sign === LOWER_Z) return start + 1 === text.length ? 0 : NaN;
  if ((sign !== PLUS && sign !== DASH) || text.length !== start + 6) return NaN;
  if (text.charCodeAt(start + 3) !== COLON) return NaN;
  const hours = digitsAt(text, start + 1, 2);
  const minutes = digitsAt(text, start + 4, 2);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return NaN;
  const total = hours * 60 + minutes;
  return sign === PLUS ? total : -total;
}

function utcMillis(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
): number {
  const millis = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (year >= 100) return millis;
  // Date.UTC reads years 0-99 as 1900-1999; put the real year back.
  const date = new Date(millis);
  date.setUTCFullYear(year);
  return date.getTime();
}

/**
 * Milliseconds since the epoch for an RFC 3339 date-time, or NaN when the text is not one.
 * Hand-written rather than Date.parse: Date.parse accepts non-RFC forms and rolls impossible
 * dates over (Feb 30 becomes Mar 2); this also runs once per event without allocating.
 */
export function parseRfc3339(text: string): number {
  if (text.length < 20) return NaN;
  if (
    text.charCodeAt(4) !== DASH ||
    text.charCodeAt(7) !== DASH ||
    !isDateTimeSeparator(text.charCodeAt(10)) ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON
  ) {
    return NaN;
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  // 60 is a leap second; Date.UTC carries it into the next minute.
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return NaN;

  let ms = 0;
  let next = 19;
  if (text.charCodeAt(next) === DOT) {
    const start = ++next;
    while (isDigit(text.charCodeAt(next))) next++;
    if (next === start) return NaN;
    ms = fractionMillis(text, start, next);
  }
  const offset = offsetMinutesAt(text, next);
  if (Number.isNaN(offset)) return NaN;
  return utcMillis(year, month, day, hour, minute, second, ms) - offset * 60_000;
}
