import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import {
  checkSourceSpec,
  FieldProblem,
  keyLabel,
  SourceSpec,
  SpecCheck,
} from './source-definition';

/**
 * Reads the sources file: `sources:` followed by a list of named sources, in YAML or JSON
 * (told by the extension, else by the first character). Problems name the entry and the
 * field, never a value: the file holds tokens.
 */
export function parseSourcesFile(text: string, path = ''): SpecCheck<SourceSpec[]> {
  const document = readDocument(text, path);
  if (!document.ok) return document;
  const root = document.value;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    return fail('sources', 'required: the file is an object with a `sources` list');
  }
  const { sources, ...rest } = root as Record<string, unknown>;
  const problems: FieldProblem[] = Object.keys(rest).map((key) => ({
    field: keyLabel(key),
    reason: 'unknown field',
  }));
  if (!Array.isArray(sources)) {
    problems.push({
      field: 'sources',
      reason: sources === undefined ? 'required' : 'must be a list of sources',
    });
    return { ok: false, problems };
  }
  const specs: SourceSpec[] = [];
  const firstByName = new Map<string, number>();
  sources.forEach((entry: unknown, index) => {
    const label = entryLabel(entry, index);
    const check = checkSourceSpec(entry);
    if (!check.ok) {
      for (const problem of check.problems) {
        const field = problem.field === 'body' ? '' : `.${problem.field}`;
        problems.push({ field: `${label}${field}`, reason: problem.reason });
      }
      return;
    }
    const first = firstByName.get(check.value.name);
    if (first !== undefined) {
      problems.push({ field: `${label}.name`, reason: `already used by sources[${first}]` });
      return;
    }
    firstByName.set(check.value.name, index);
    specs.push(check.value);
  });
  return problems.length ? { ok: false, problems } : { ok: true, value: specs };
}

/** Reads and checks the file; a problem stops start-up with one line per problem. */
export function loadSourcesFile(path: string): SourceSpec[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(`SOURCES_FILE: cannot read ${path} (${code})`, { cause: error });
  }
  const check = parseSourcesFile(text, path);
  if (check.ok) return check.value;
  const lines = check.problems.map((problem) => `SOURCES_FILE ${problem.field}: ${problem.reason}`);
  throw new Error(`Invalid sources file ${path}:\n${lines.join('\n')}`);
}

function entryLabel(entry: unknown, index: number): string {
  const name =
    typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : undefined;
  // Only a name that looks like one is quoted back: a misplaced token must not be.
  const shown =
    typeof name === 'string' && /^[a-z0-9-]{1,40}$/.test(name) ? ` (name "${name}")` : '';
  return `sources[${index}]${shown}`;
}

function readDocument(text: string, path: string): SpecCheck<unknown> {
  const extension = extname(path).toLowerCase();
  const json =
    extension === '.json' ||
    (extension !== '.yaml' && extension !== '.yml' && /^\s*[[{]/.test(text));
  if (json) {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch {
      // The parser's message quotes the text around the error: it may be a token.
      return fail('file', 'not valid JSON');
    }
  }
  const document = parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) {
    const error = document.errors[0];
    const before = text.slice(0, error.pos[0]).split('\n');
    const where = ` at line ${before.length}, column ${before[before.length - 1].length + 1}`;
    return fail('file', `not valid YAML${where} (${error.code})`);
  }
  try {
    return { ok: true, value: document.toJS() as unknown };
  } catch {
    // Aliases expanding past the parser's bound, for one.
    return fail('file', 'not valid YAML');
  }
}

const fail = (field: string, reason: string): { ok: false; problems: FieldProblem[] } => ({
  ok: false,
  problems: [{ field, reason }],
});
