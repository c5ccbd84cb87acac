import { spawnSync } from 'node:child_process';
import { machineCpuBetween, snapshotCpu } from '../scripts/bench/machine-cpu';

/** Keeps this process's thread busy for `ms`. */
function burn(ms: number): void {
  const until = Date.now() + ms;
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
  expect(x).toBeGreaterThan(0);
}

describe('the machine CPU a benchmark run reports', () => {
  it('counts its own process, and a child that ran and ended in the busy time of the cores', () => {
    const from = snapshotCpu();
    burn(300);
    // Not this process's own time, nor a named neighbour's: "other".
    spawnSync(process.execPath, ['-e', 'const t = Date.now() + 200; while (Date.now() < t);']);
    const to = snapshotCpu();
    const cpu = machineCpuBetween(from, to, 0);

    expect(cpu.seconds.bench).toBeGreaterThanOrEqual(0.25);
    expect(cpu.busyShare).toBeGreaterThan(0);
    expect(cpu.busyShare).toBeLessThanOrEqual(1);
    expect(cpu.seconds.bench + cpu.seconds.other).toBeGreaterThanOrEqual(0.4);
  });

  it('reports a program that does not run here as null, not as zero', () => {
    const snapshot = snapshotCpu();
    const cpu = machineCpuBetween(
      { ...snapshot, neighbourTicks: { postgres: null, redis: 5 } },
      { ...snapshot, neighbourTicks: { postgres: null, redis: 105 } },
      0,
    );
    expect(cpu.seconds.postgres).toBeNull();
    expect(cpu.seconds.redis).toBe(1);
  });
});
