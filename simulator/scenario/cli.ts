/**
 * Prints a summary of a generated scenario: counts per stream, late arrivals, attack labels,
 * and how long generation took and how much memory the result holds.
 *
 *   node dist/simulator/scenario/cli.js --seed 7 --users 2000 --days 30
 *   (add --expose-gc to node for exact heap figures; --sample 2 prints raw events)
 */
import { parseArgs } from 'node:util';
import { generateScenario, scenarioCounts } from './generate-scenario';
import { ATTACK_KINDS, type AttackKind, type ScenarioOptions } from './types';

function numberArg(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
  return n;
}

export function parseScenarioArgs(argv: string[]): { options: ScenarioOptions; sample: number } {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string', default: '1' },
      users: { type: 'string' },
      days: { type: 'string' },
      start: { type: 'string' },
      'connect-servers': { type: 'string' },
      'connect-tokens': { type: 'string' },
      attacks: { type: 'string' },
      'late-fraction': { type: 'string' },
      'item-rate': { type: 'string' },
      sample: { type: 'string', default: '0' },
    },
    strict: true,
  });
  const attacks =
    values.attacks === undefined
      ? undefined
      : values.attacks === 'none'
        ? []
        : values.attacks.split(',').map((k) => {
            if (!(ATTACK_KINDS as readonly string[]).includes(k)) {
              throw new Error(`unknown attack ${k}; known: ${ATTACK_KINDS.join(', ')}`);
            }
            return k as AttackKind;
          });
  const seedNumber = Number(values.seed);
  return {
    options: {
      seed: Number.isInteger(seedNumber) ? seedNumber : values.seed,
      users: numberArg(values.users, 'users'),
      days: numberArg(values.days, 'days'),
      start: values.start !== undefined ? new Date(values.start) : undefined,
      connectServers: numberArg(values['connect-servers'], 'connect-servers'),
      connectTokens: numberArg(values['connect-tokens'], 'connect-tokens'),
      attacks,
      lateItemUsageFraction: numberArg(values['late-fraction'], 'late-fraction'),
      rates: { itemUsages: numberArg(values['item-rate'], 'item-rate') },
    },
    sample: numberArg(values.sample, 'sample') ?? 0,
  };
}

function main(): void {
  const { options, sample } = parseScenarioArgs(process.argv.slice(2));
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const scenario = generateScenario(options);
  const ms = performance.now() - started;
  gc?.();
  const memory = process.memoryUsage();
  const counts = scenarioCounts(scenario);
  const late = scenario.itemUsages.filter((e) => e.availableAt - e.timeMs > 60_000).length;
  const mb = (n: number): number => Math.round(n / 2 ** 20);
  const summary = {
    meta: scenario.meta,
    users: scenario.users.length,
    travellers: scenario.users.filter((u) => u.trips.length > 0).length,
    connectServers: scenario.connectServers.map((s) => s.id),
    connectTokens: scenario.connectTokens.map((t) => ({ name: t.name, jti: t.jti })),
    counts,
    lateItemUsages: {
      overOneMinute: late,
      share: Number((late / Math.max(1, counts.itemUsages)).toFixed(4)),
    },
    labels: scenario.labels.map((l) => ({
      kind: l.kind,
      actor: l.actor,
      start: l.start,
      end: l.end,
      events: l.eventUuids.length,
      expectedRule: l.expectedRule,
      description: l.description,
    })),
    generation: {
      ms: Math.round(ms),
      eventsPerSecond: Math.round((counts.total / ms) * 1000),
      heapHeldMB: mb(memory.heapUsed - heapBefore),
      heapUsedMB: mb(memory.heapUsed),
      rssMB: mb(memory.rss),
      exactHeap: gc !== undefined,
    },
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  if (sample > 0) {
    const streams = ['itemUsages', 'signInAttempts', 'auditEvents', 'connectActivity'] as const;
    for (const stream of streams) {
      for (const e of scenario[stream].slice(0, sample)) {
        process.stdout.write(`${stream} ${JSON.stringify(e.raw)}\n`);
      }
    }
  }
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
