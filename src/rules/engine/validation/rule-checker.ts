import { HOURLY_RETENTION_DAYS } from '../../../baselines/baseline-horizon';
import { EVENT_FIELDS, type EventField } from '../../../events/detect-event';
import { STREAMS, type Stream } from '../../../events/normalize/normalized-event';
import { isListReference } from '../filter';
import type { Filter } from '../rule-definition';
import { at, Checker, item, quote, typeName, type Obj } from './checker';
import { FilterGrammar } from './filter-grammar';

/**
 * The checker with the rules' own vocabulary: event fields, streams, list references and
 * filters. One per rule checked: the filter grammar counts conditions over all its filters.
 */
export class RuleChecker extends Checker {
  private readonly filters = new FilterGrammar(this);

  constructor(private readonly knownLists: ReadonlySet<string>) {
    super();
  }

  eventField(value: unknown, field: string): EventField | null {
    if (typeof value !== 'string')
      return this.fail(field, `must be a field name, not ${typeName(value)}`);
    if (!(EVENT_FIELDS as readonly string[]).includes(value)) {
      return this.fail(field, `unknown field '${value}'`);
    }
    return value as EventField;
  }

  streams(obj: Obj, key: string, path: string, required: boolean): Stream[] | null {
    const values = this.array(obj, key, path, required);
    if (values === null) return null;
    const field = at(path, key);
    if (values.length === 0 && required) return this.fail(field, 'must name at least one stream');
    const out: Stream[] = [];
    values.forEach((value, i) => {
      if (typeof value !== 'string') {
        this.fail(item(field, i), `must be a stream name, not ${typeName(value)}`);
      } else if (!(STREAMS as readonly string[]).includes(value)) {
        this.fail(
          item(field, i),
          `unknown stream '${value}' (expected one of: ${STREAMS.join(', ')})`,
        );
      } else if (!out.includes(value as Stream)) {
        out.push(value as Stream);
      }
    });
    return out;
  }

  listReference(value: unknown, field: string): string | null {
    if (typeof value !== 'string' || !isListReference(value)) {
      return this.fail(
        field,
        `must be a list reference such as '@serviceAccounts', not ${quote(value)}`,
      );
    }
    if (!this.knownLists.has(value) && !this.knownLists.has(value.slice(1))) {
      return this.fail(field, `unknown list '${value}'`);
    }
    return value;
  }

  filter(value: unknown, path: string): Filter | null {
    return this.filters.read(value, path);
  }

  /** Days of hourly baseline history to learn from: no more than the baselines keep. */
  hourlyDays(obj: Obj, key: string, path: string): number | null {
    return this.number(obj, key, path, {
      min: 1,
      max: HOURLY_RETENTION_DAYS,
      what: `(baselines keep ${HOURLY_RETENTION_DAYS} days of hourly counts)`,
    });
  }
}
