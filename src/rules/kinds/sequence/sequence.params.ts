import type { EventField } from '../../../events/detect-event';
import type { Stream } from '../../../events/normalize/normalized-event';
import type { Filter } from '../../engine/rule-definition';
import { LIMITS } from '../../engine/rule-limits';
import { at, isObject, item, typeName } from '../../engine/validation/checker';
import type { RuleChecker } from '../../engine/validation/rule-checker';
import type { ParamsSchema } from '../kind-module';

export interface SequenceStage {
  name: string;
  streams: Stream[];
  filter?: Filter;
  /** The field whose value joins the stages (e.g. actorId of an export, objectId of a suspend). */
  key: EventField;
  /** Stage A only: at least this many A events within the window before B (default 1). */
  minCount?: number;
}

export interface SequenceParams {
  /** Stage A then stage B, in event time, within the window. */
  stages: [SequenceStage, SequenceStage];
  withinSeconds: number;
  /** forward: judged when B arrives after A; retro: B arrives and looks back for A. */
  mode: 'forward' | 'retro';
}

export const sequenceParamsSchema: ParamsSchema<SequenceParams> = {
  keys: ['stages', 'withinSeconds', 'mode'],
  read(c, obj, path, ruleStreams) {
    const withinSeconds = c.number(obj, 'withinSeconds', path, {
      required: true,
      above: 0,
      max: LIMITS.maxSequenceSeconds,
    });
    const mode = c.oneOf(obj, 'mode', path, ['forward', 'retro'] as const, 'mode') ?? 'forward';
    const rawStages = c.array(obj, 'stages', path, true);
    const stages: SequenceStage[] = [];
    if (rawStages !== null) {
      if (rawStages.length !== 2) {
        c.fail(
          at(path, 'stages'),
          `must hold exactly 2 stages (A then B), not ${rawStages.length}`,
        );
      } else {
        rawStages.forEach((raw, i) => {
          const stage = readStage(c, raw, item(at(path, 'stages'), i), ruleStreams, i === 0);
          if (stage) stages.push(stage);
        });
      }
    }
    if (withinSeconds === null || stages.length !== 2) return null;
    return { stages: [stages[0], stages[1]], withinSeconds, mode };
  },
};

/** A rule that names no streams watches its stages' streams. */
export function stageStreams(params: SequenceParams): Stream[] {
  return [...new Set([...params.stages[0].streams, ...params.stages[1].streams])];
}

function readStage(
  c: RuleChecker,
  raw: unknown,
  path: string,
  ruleStreams: Stream[] | null,
  first: boolean,
): SequenceStage | null {
  if (!isObject(raw)) return c.fail(path, `must be an object, not ${typeName(raw)}`);
  c.noUnknown(
    raw,
    first ? ['name', 'streams', 'filter', 'key', 'minCount'] : ['name', 'streams', 'filter', 'key'],
    path,
  );
  const before = c.errors.length;
  const name = c.string(raw, 'name', path, { required: true, max: LIMITS.maxNameText });
  const streams = c.streams(raw, 'streams', path, true);
  if (streams && ruleStreams) {
    streams.forEach((s, i) => {
      if (!ruleStreams.includes(s)) {
        c.fail(item(at(path, 'streams'), i), `stream '${s}' is not among the rule's streams`);
      }
    });
  }
  const filter = raw.filter === undefined ? null : c.filter(raw.filter, at(path, 'filter'));
  const key =
    raw.key === undefined
      ? c.fail(at(path, 'key'), 'is required')
      : c.eventField(raw.key, at(path, 'key'));
  const minCount = first
    ? c.number(raw, 'minCount', path, { integer: true, min: 1, max: 1000 })
    : null;
  if (c.errors.length !== before || name === null || streams === null || key === null) {
    return null;
  }
  return {
    name,
    streams,
    ...(filter === null ? {} : { filter }),
    key,
    ...(minCount === null ? {} : { minCount }),
  };
}
