import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { processCpu, TICKS_PER_SECOND } from './service';

/**
 * Programs the service shares the machine with when they run on it, by the name Linux gives
 * their processes. Their CPU time is the rest of the cost of each stored event: the ratio to
 * the COPY limit is bounded by what they and the service leave of the machine.
 */
const NEIGHBOURS = { postgres: 'postgres', redis: 'redis-server' } as const;
type Neighbour = keyof typeof NEIGHBOURS;

interface CpuSnapshot {
  busyMs: number;
  idleMs: number;
  /** This benchmark's own process: the fake servers, the progress queries, the sampling. */
  benchUs: number;
  neighbourTicks: Record<Neighbour, number | null>;
}

/** Where the machine's CPU went over one window, in seconds. */
export interface MachineCpu {
  cores: number;
  /** Busy time of all cores ÷ their time: near 1, the machine is the limit, not waiting. */
  busyShare: number;
  seconds: {
    service: number;
    /** Null when the program does not run on this machine. */
    postgres: number | null;
    redis: number | null;
    bench: number;
    /** Everything else that ran (the kernel's own work included). */
    other: number;
  };
}

export function snapshotCpu(): CpuSnapshot {
  let busyMs = 0;
  let idleMs = 0;
  for (const { times } of cpus()) {
    busyMs += times.user + times.nice + times.sys + times.irq;
    idleMs += times.idle;
  }
  const ticks = programTicks();
  const bench = process.cpuUsage();
  return {
    busyMs,
    idleMs,
    benchUs: bench.user + bench.system,
    neighbourTicks: {
      postgres: ticks.get(NEIGHBOURS.postgres) ?? null,
      redis: ticks.get(NEIGHBOURS.redis) ?? null,
    },
  };
}

/** The window between two snapshots; `serviceSeconds` is the service's CPU over it. */
export function machineCpuBetween(
  from: CpuSnapshot,
  to: CpuSnapshot,
  serviceSeconds: number,
): MachineCpu {
  const busy = (to.busyMs - from.busyMs) / 1000;
  const idle = (to.idleMs - from.idleMs) / 1000;
  const neighbour = (name: Neighbour): number | null => {
    const [a, b] = [from.neighbourTicks[name], to.neighbourTicks[name]];
    return a === null || b === null ? null : (b - a) / TICKS_PER_SECOND;
  };
  const postgres = neighbour('postgres');
  const redis = neighbour('redis');
  const bench = (to.benchUs - from.benchUs) / 1e6;
  const other = busy - serviceSeconds - (postgres ?? 0) - (redis ?? 0) - bench;
  return {
    cores: cpus().length,
    busyShare: round(busy / (busy + idle), 3),
    seconds: {
      service: round(serviceSeconds, 1),
      postgres: postgres === null ? null : round(postgres, 1),
      redis: redis === null ? null : round(redis, 1),
      bench: round(bench, 1),
      other: round(Math.max(0, other), 1),
    },
  };
}

/**
 * CPU ticks of every process by name, children that exited included (a PostgreSQL backend's
 * time moves to the postmaster's once it ends). Empty where there is no /proc.
 */
function programTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return ticks;
  }
  for (const pid of pids) {
    const cpu = processCpu(pid);
    if (!cpu) continue; // ended since the listing
    ticks.set(cpu.name, (ticks.get(cpu.name) ?? 0) + cpu.ownTicks + cpu.childTicks);
  }
  return ticks;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));
