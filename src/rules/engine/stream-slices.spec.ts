/**
 * Detection gives each rule only its own streams' events of a pass, and a history of what was
 * stored before the pass. Every built-in template judges a mixed stream (all templates' fixture
 * events, every stream, cut into batches at random) and finds the same as it does with every
 * event of the batch and a history that holds the batch too.
 */
import fc from 'fast-check';
import { compareIds } from '../../events/event-order';
import { STREAMS } from '../../events/normalize/normalized-event';
import { randomCuts, runInBatches } from '../../../test/support/rule-engine/batch-runner';
import { detectEvents, SeededRandom } from '../../../test/support/rule-engine/detect-events';
import { templateRule } from '../../../test/support/rule-engine/run-fixture';
import { listReferences } from '../templates/built-in-template';
import { BUILT_IN_TEMPLATES } from '../templates/index';
import { judgesSources } from './evaluate';
import { arrivalsOf } from './event-order';
import { StreamSlices } from './stream-slices';

const specs = BUILT_IN_TEMPLATES.flatMap((template) =>
  [...template.fixtures.positive, ...template.fixtures.negative].flatMap((fixture) => [
    ...(fixture.before ?? []),
    ...fixture.events,
  ]),
).sort((a, b) => Date.parse(String(a.at)) - Date.parse(String(b.at)));
const stream = detectEvents(specs);
const judging = BUILT_IN_TEMPLATES.filter((template) => !judgesSources(templateRule(template)));

describe('rules judging only their own streams', () => {
  it('keeps the batch order and leaves out only other streams, but for kinds that read them', () => {
    const streams = ['signin_attempt', 'audit_event'] as const;
    const slices = new StreamSlices(stream);
    const slice = slices.of({ kind: 'threshold', streams: [...streams] });
    expect(slice).toEqual(stream.filter((e) => streams.some((s) => s === e.stream)));
    expect(slice.length).toBeGreaterThan(0);
    expect(slice.length).toBeLessThan(stream.length);
    expect(slices.of({ kind: 'new_value', streams: [...streams] })).toEqual(stream);
  });

  it('gives each cut in the order its events were stored, whatever order that is', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(
          stream.map((e) => e.id),
          { minLength: stream.length },
        ),
        fc.subarray([...STREAMS], { minLength: 1 }),
        (ids, streams) => {
          // The same events stored in another order: ids drawn in that order.
          const events = stream.map((e, i) => ({ ...e, id: ids[i] }));
          const slices = new StreamSlices(events);
          for (const kind of ['threshold', 'new_value'] as const) {
            const slice = slices.of({ kind, streams });
            const expected = [...slice].sort((a, b) => compareIds(a.id, b.id));
            expect(arrivalsOf(slice)).toEqual(expected);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it.each(judging.map((template) => [template.templateId, template] as const))(
    '%s finds the same in a mixed stream',
    (_id, template) => {
      const rule = templateRule(template);
      const lists = new Map(
        [...listReferences(template.definition)].map((name): [string, string[]] => [name, []]),
      );
      const rng = new SeededRandom(template.templateId.length * 7919);
      for (const cuts of [[], randomCuts(stream.length, 0.05, () => rng.next())]) {
        const all = runInBatches(rule, stream, cuts, { lists, perKey: true });
        const own = { lists, perKey: true, ruleStreamsOnly: true };
        for (const options of [own, { ...own, historyBeforeBatch: true }]) {
          const found = runInBatches(rule, stream, cuts, options);
          expect([...found.fingerprints].sort()).toEqual([...all.fingerprints].sort());
          expect(found.alerts.map((alert) => alert.severity)).toEqual(
            all.alerts.map((alert) => alert.severity),
          );
        }
      }
    },
  );

  it('fires for many templates on that stream: the answers compared are not empty', () => {
    const fired = judging.filter(
      (template) =>
        runInBatches(templateRule(template), stream, [], {
          lists: new Map(
            [...listReferences(template.definition)].map((n): [string, string[]] => [n, []]),
          ),
          ruleStreamsOnly: true,
        }).alerts.length > 0,
    );
    expect(fired.length).toBeGreaterThan(judging.length / 3);
  });
});
