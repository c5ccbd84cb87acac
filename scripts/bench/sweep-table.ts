import type { PipelineResult } from './pipeline';

/**
 * The tenant-size sweep as a Markdown table, one row per run. "ratio vs first" compares each
 * run's ratio to the storage limit with the first run's: the figure that holds on a busy machine
 * (the target: the largest tenant within 20 % of the smallest).
 */
export function sweepTable(runs: readonly PipelineResult[]): string {
  const header = [
    'users',
    'events',
    'events/s',
    'COPY events/s',
    'ratio',
    'peak RSS',
    'alert p99',
    'alerts',
    'ratio vs first',
  ];
  const [first] = runs;
  const rows = runs.map((run) => [
    number(run.users),
    number(run.events),
    number(run.eventsPerSecond),
    number(run.storageLimit.eventsPerSecond),
    run.ratioToStorageLimit.toFixed(3),
    `${number(run.peakRssMb)} MB`,
    run.alertLatencyMs.p99 === null ? '–' : `${(run.alertLatencyMs.p99 / 1000).toFixed(1)} s`,
    number(run.alerts),
    (run.ratioToStorageLimit / first.ratioToStorageLimit).toFixed(2),
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i].length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padStart(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 1)).join('-|')}-|`, ...rows.map(line)]
    .join('\n')
    .concat('\n');
}

const number = (value: number) => value.toLocaleString('en-US');
