import { RE2JS, RE2JSException } from 're2js';

/**
 * Patterns written by an operator are matched against text an attacker may choose (a Connect
 * user agent, an email): matching must take time linear in the text whatever the pattern, so
 * regular expressions run on RE2 (no backtracking) and wildcards on a scan of their own.
 */

/** The longest regular expression a filter may hold. */
export const MAX_PATTERN_LENGTH = 1_000;
/** RE2's own measure of a compiled pattern's cost (`a{1000}` is about 1,000). */
export const MAX_PROGRAM_SIZE = 2_000;
/** A pattern sees at most this many characters of a value (its beginning). */
export const MAX_MATCHED_TEXT = 2_048;

const FLAG_BITS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  // RE2 always reads text as Unicode code points.
  u: 0,
};

export type TextMatcher = (text: string) => boolean;

export type CompiledPattern = { ok: true; test: TextMatcher } | { ok: false; reason: string };

/** Compiles a regular expression (JavaScript syntax as far as RE2 supports it) with flags `imsu`. */
export function compileSafeRegex(pattern: string, flags = ''): CompiledPattern {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, reason: `must be at most ${MAX_PATTERN_LENGTH} characters` };
  }
  let bits = 0;
  for (const flag of flags) bits |= FLAG_BITS[flag] ?? 0;
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    return { ok: false, reason: `bad regular expression: ${describe(error)}` };
  }
  if (re.programSize() > MAX_PROGRAM_SIZE) {
    return {
      ok: false,
      reason: `regular expression too large (${re.programSize()} steps, at most ${MAX_PROGRAM_SIZE}): use fewer or smaller repetitions`,
    };
  }
  return { ok: true, test: (text) => re.test(capText(text)) };
}

function describe(error: RE2JSException): string {
  const message = error.message.replace(/^error parsing regexp: /, '');
  return message.includes('Perl syntax') || message.includes('escape sequence')
    ? `${message} (lookarounds and backreferences are not supported)`
    : message;
}

export function capText(text: string): string {
  return text.length > MAX_MATCHED_TEXT ? text.slice(0, MAX_MATCHED_TEXT) : text;
}

/**
 * A `*` wildcard pattern, matched case-insensitively against a whole value: the literal
 * pieces between stars are found left to right, each search starting where the previous
 * piece ended, so no position is ever tried twice for the same piece (no backtracking).
 */
export function compileWildcard(pattern: string): TextMatcher {
  const pieces = pattern.toLowerCase().split('*');
  const head = pieces[0];
  const tail = pieces[pieces.length - 1];
  const middle = pieces.slice(1, -1).filter((piece) => piece !== '');
  return (raw) => {
    const text = capText(raw).toLowerCase();
    if (pieces.length === 1) return text === head;
    if (text.length < head.length + tail.length) return false;
    if (!text.startsWith(head) || !text.endsWith(tail)) return false;
    // Greedy leftmost placement is enough: any match can be shifted left onto it.
    let from = head.length;
    const end = text.length - tail.length;
    for (const piece of middle) {
      const at = text.indexOf(piece, from);
      if (at < 0 || at + piece.length > end) return false;
      from = at + piece.length;
    }
    return true;
  };
}
