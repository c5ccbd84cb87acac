import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Stage, STAGES, stageOfModule } from './pipeline-stages';

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) read here. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string };
    children?: number[];
  }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Where a sample's time goes: a stage, or — when no staged frame was on the stack — the
 * database driver (replies parsed in socket callbacks), the queue (BullMQ, ioredis, src/queue),
 * anything else (framework, module loading at start-up, Node's own work), V8's garbage
 * collector or idle time.
 */
type Bucket = Stage | 'databaseDriver' | 'queue' | 'other' | 'gc' | 'idle';
type Library = 'databaseDriver' | 'queue';

/** Microseconds of CPU profile per bucket; one process's profile, or several added up. */
export type ProfileTimes = Record<Bucket, number>;

const NOT_A_STAGE = ['databaseDriver', 'queue', 'other', 'gc', 'idle'] as const;

export const noTime = (): ProfileTimes =>
  Object.fromEntries([...STAGES, ...NOT_A_STAGE].map((bucket) => [bucket, 0])) as ProfileTimes;

/** The one profile `node --cpu-prof --cpu-prof-dir=<dir>` wrote when its process exited. */
export function readCpuProfile(dir: string): CpuProfile {
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  if (files.length !== 1) {
    throw new Error(`expected one .cpuprofile in ${dir}, found ${files.length}`);
  }
  return JSON.parse(readFileSync(join(dir, files[0]), 'utf8')) as CpuProfile;
}

const DATABASE_DRIVER = /\/node_modules\/(pg|pg-[^/]+|postgres-[^/]+)\//;
const QUEUE_LIBRARY = /\/node_modules\/(bullmq|ioredis|@ioredis\/[^/]+|redis-parser)\//;

/**
 * A span of time on the monotonic clock, in µs: V8 stamps its samples with the clock
 * `process.hrtime` reads, in every process of the machine, so the bench can tell them apart.
 */
export interface Window {
  fromUs: number;
  toUs: number;
}

export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * Each sample in `window` (start-up and shutdown left out) goes to the stage of the nearest frame on its stack (leaf first) that
 * belongs to a staged module of `srcRoot` (the compiled src/): library frames (pg, bullmq,
 * ioredis, Nest) and shared plumbing (src/common, src/database…) count for the src frame that
 * called them. A sample with no staged frame goes to the nearest database-driver or queue
 * library frame on its stack, else to `other`.
 */
export function profileTimes(profile: CpuProfile, srcRoot: string, window: Window): ProfileTimes {
  const srcUrl = `${pathToFileURL(srcRoot).href}/`;
  const nodeById = new Map(profile.nodes.map((node) => [node.id, node]));
  const children = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  const bucketOf = new Map<number, Bucket>();
  // Depth first from the root, each node inheriting the nearest stage and library above it.
  const pending: Array<{ id: number; stage: Stage | null; library: Library | null }> = profile.nodes
    .filter((node) => !children.has(node.id))
    .map((node) => ({ id: node.id, stage: null, library: null }));
  for (let next = pending.pop(); next; next = pending.pop()) {
    const node = nodeById.get(next.id);
    if (!node) continue;
    const { functionName, url } = node.callFrame;
    const stage = (url.startsWith(srcUrl) && stageOfModule(url.slice(srcUrl.length))) || next.stage;
    const library = libraryOf(url, srcUrl) ?? next.library;
    bucketOf.set(node.id, V8_BUCKETS[functionName] ?? stage ?? library ?? 'other');
    for (const child of node.children ?? []) pending.push({ id: child, stage, library });
  }

  const times = noTime();
  let at = profile.startTime;
  const stamps = profile.timeDeltas.map((delta) => (at += delta));
  profile.samples.forEach((id, i) => {
    // A sample stands for the time until the next one (as Chrome DevTools counts it).
    const until = i + 1 < stamps.length ? stamps[i + 1] : profile.endTime;
    if (stamps[i] < window.fromUs || stamps[i] >= window.toUs) return;
    times[bucketOf.get(id) ?? 'other'] += Math.max(0, until - stamps[i]);
  });
  return times;
}

/** V8's pseudo-frames, each its own bucket whatever is above it. */
const V8_BUCKETS: Partial<Record<string, Bucket>> = {
  '(garbage collector)': 'gc',
  '(idle)': 'idle',
  '(program)': 'other',
};

function libraryOf(url: string, srcUrl: string): Library | null {
  if (DATABASE_DRIVER.test(url)) return 'databaseDriver';
  if (QUEUE_LIBRARY.test(url) || url.startsWith(`${srcUrl}queue/`)) return 'queue';
  return null;
}

export function addTimes(a: ProfileTimes, b: ProfileTimes): ProfileTimes {
  const sum = noTime();
  for (const key of Object.keys(sum) as Bucket[]) sum[key] = a[key] + b[key];
  return sum;
}

export interface CpuShare {
  /** Percent of the time attributed to a stage, per stage; sums to 100. */
  cpuShareByStage: Record<Stage, number>;
  /**
   * Seconds the main thread was not idle (wall time: on a busy machine it includes time spent
   * waiting for a core).
   */
  busySeconds: number;
  /**
   * Percent of busy time: attributed to the stages, and the rest, which cpuShareByStage leaves
   * out: the database driver and the queue with no stage's frame on the stack (replies parsed
   * in socket callbacks), other work (framework, start-up, Node) and garbage collection.
   */
  busyShare: Record<'stages' | 'databaseDriver' | 'queue' | 'other' | 'gc', number>;
  /** Percent of the profiled wall time the process was idle. */
  idleShare: number;
}

export function cpuShare(times: ProfileTimes): CpuShare {
  const staged = percentages(STAGES.map((stage) => times[stage]));
  const attributed = STAGES.reduce((sum, stage) => sum + times[stage], 0);
  const rest = ['databaseDriver', 'queue', 'other', 'gc'] as const;
  const [stages, ...shares] = percentages([attributed, ...rest.map((bucket) => times[bucket])]);
  const busy = attributed + rest.reduce((sum, bucket) => sum + times[bucket], 0);
  return {
    cpuShareByStage: Object.fromEntries(STAGES.map((stage, i) => [stage, staged[i]])) as Record<
      Stage,
      number
    >,
    busySeconds: Number((busy / 1e6).toFixed(1)),
    busyShare: {
      stages,
      ...(Object.fromEntries(rest.map((bucket, i) => [bucket, shares[i]])) as Record<
        (typeof rest)[number],
        number
      >),
    },
    idleShare: percentages([busy, times.idle])[1],
  };
}

/** Percentages to one decimal that sum to exactly 100 (largest remainder), or all 0. */
function percentages(values: readonly number[]): number[] {
  const total = values.reduce((sum, value) => sum + value, 0);
  if (total <= 0) return values.map(() => 0);
  const exact = values.map((value) => (value * 1000) / total);
  const tenths = exact.map(Math.floor);
  const byRemainder = exact
    .map((value, i) => ({ i, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder);
  let missing = 1000 - tenths.reduce((sum, value) => sum + value, 0);
  for (const { i } of byRemainder) {
    if (missing-- <= 0) break;
    tenths[i] += 1;
  }
  return tenths.map((value) => value / 10);
}
