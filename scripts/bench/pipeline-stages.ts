/** The pipeline stages a CPU profile's time is shared between (see cpu-profile.ts). */
export const STAGES = [
  'parse',
  'store',
  'baselines',
  'rules',
  'incidents',
  'notifications',
] as const;
export type Stage = (typeof STAGES)[number];

/**
 * Which stage a module of src/ belongs to, by path under src/ (first matching prefix). Modules
 * not listed (queue, database, common, config, metrics, health, auth, the app itself) and those
 * listed with no stage are shared plumbing: their frames count, like library frames, for the
 * staged frame that called them. `store` is ingest: polling the sources and storing the events.
 */
const STAGE_OF_MODULE: ReadonlyArray<[prefix: string, stage: Stage | null]> = [
  ['events/normalize/', 'parse'],
  ['events/normalize-batch', 'parse'],
  // Helpers detection uses on stored events: mapping rows, ordering them, their columns.
  ['events/detect-event', null],
  ['events/event-order', null],
  ['events/event-columns', null],
  ['events/', 'store'],
  ['sources/', 'store'],
  ['baselines/', 'baselines'],
  ['rules/', 'rules'],
  ['detection/', 'rules'],
  ['incidents/', 'incidents'],
  ['notifications/', 'notifications'],
];

/** The stage of a file given by its path under src/ (`rules/engine/x.js`), if it has one. */
export function stageOfModule(pathUnderSrc: string): Stage | null {
  for (const [prefix, stage] of STAGE_OF_MODULE) {
    if (pathUnderSrc.startsWith(prefix)) return stage;
  }
  return null;
}
