import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  addTimes,
  monotonicUs,
  noTime,
  type ProfileTimes,
  profileTimes,
  readCpuProfile,
} from './cpu-profile';
import { HEAP_LIMIT_FLAG } from '../../src/config/heap-limit';
import { processCpu, residentKb, TICKS_PER_SECOND, waitUntilHealthy } from './service';

/** The compiled service: its entry point and the src/ tree its CPU profile is attributed to. */
const DIST_SRC = join(__dirname, '..', '..', 'src');
/** Sampling interval of the CPU profiler, in µs: fine enough, and half Node's default cost. */
const PROFILE_INTERVAL_US = 2_000;

type Role = 'all' | 'ingest' | 'worker';

interface ServiceProcess {
  name: string;
  role: Role;
  port: number;
  child: ChildProcess;
  profileDir: string;
  rssKb: number[];
  cpuTicks: number;
}

export interface ProcessFigures {
  name: string;
  role: Role;
  peakRssMb: number;
  cpuSeconds: number;
  /** This process's CPU profile, by bucket (see cpu-profile.ts). */
  times: ProfileTimes;
}

/**
 * The service as production runs it: one `APP_ROLE=all` process (`workers` 0), or one ingest
 * process and `workers` worker processes sharing the database and queue prefix. Each process
 * serves /health on its own port and is CPU-profiled into its own folder of `profileRoot`;
 * resident memory and CPU time are sampled with `sample()`.
 */
export class ServiceProcesses {
  /** Resident memory of all processes together, per sample. */
  readonly totalRssKb: number[] = [];
  /** When every process answered /health: the CPU profiles count from here. */
  private healthyAtUs = Infinity;

  private constructor(private readonly processes: ServiceProcess[]) {}

  static start(
    env: NodeJS.ProcessEnv,
    workers: number,
    basePort: number,
    profileRoot: string,
  ): ServiceProcesses {
    const layout: Array<{ name: string; role: Role }> =
      workers === 0
        ? [{ name: 'all', role: 'all' }]
        : [
            { name: 'ingest', role: 'ingest' },
            ...Array.from({ length: workers }, (_, i) => ({
              name: `worker-${i + 1}`,
              role: 'worker' as const,
            })),
          ];
    const processes = layout.map(({ name, role }, i): ServiceProcess => {
      const profileDir = join(profileRoot, name);
      mkdirSync(profileDir, { recursive: true });
      const port = basePort + i;
      const child = spawn(
        process.execPath,
        [
          HEAP_LIMIT_FLAG, // the heap limit production starts with
          '--cpu-prof',
          `--cpu-prof-dir=${profileDir}`,
          `--cpu-prof-interval=${PROFILE_INTERVAL_US}`,
          join(DIST_SRC, 'main.js'),
        ],
        {
          stdio: ['ignore', 'ignore', 'inherit'],
          env: { ...env, APP_ROLE: role, PORT: String(port) },
        },
      );
      return { name, role, port, child, profileDir, rssKb: [], cpuTicks: 0 };
    });
    return new ServiceProcesses(processes);
  }

  async waitUntilHealthy(): Promise<void> {
    await Promise.all(this.processes.map(({ port }) => waitUntilHealthy(String(port))));
    this.healthyAtUs = monotonicUs();
  }

  /** Records each process's resident memory and CPU time so far. */
  sample(): void {
    let total = 0;
    for (const service of this.processes) {
      const kb = residentKb(service.child.pid);
      if (kb) service.rssKb.push(kb);
      total += kb ?? 0;
      service.cpuTicks = cpuTicks(service.child.pid) ?? service.cpuTicks;
    }
    if (total > 0) this.totalRssKb.push(total);
  }

  /** CPU time of all processes together so far, in seconds. */
  cpuSeconds(): number {
    this.sample();
    return this.processes.reduce((sum, { cpuTicks }) => sum + cpuTicks, 0) / TICKS_PER_SECOND;
  }

  get exited(): boolean {
    return this.processes.some(({ child }) => hasExited(child));
  }

  /** After a failure: SIGTERM to each, profiles left unread. */
  kill(): void {
    for (const { child } of this.processes) child.kill('SIGTERM');
  }

  /**
   * SIGTERM to each (a clean exit writes its CPU profile), then every profile read: the time
   * from all being healthy to this call, start-up and shutdown left out.
   */
  async stop(): Promise<{ processes: ProcessFigures[]; times: ProfileTimes }> {
    const window = { fromUs: this.healthyAtUs, toUs: monotonicUs() };
    this.sample();
    await Promise.all(
      this.processes.map(
        ({ child }) =>
          new Promise((resolve) => {
            if (hasExited(child)) resolve(undefined);
            child.once('exit', resolve);
            child.kill('SIGTERM');
          }),
      ),
    );
    const processes = this.processes.map((service) => ({
      name: service.name,
      role: service.role,
      peakRssMb: peakMb(service.rssKb),
      cpuSeconds: service.cpuTicks / TICKS_PER_SECOND,
      times: profileTimes(readCpuProfile(service.profileDir), DIST_SRC, window),
    }));
    return { processes, times: processes.map((p) => p.times).reduce(addTimes, noTime()) };
  }
}

/** Exited on its own (an exit code) or was killed (a signal). */
const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

export const peakMb = (kb: readonly number[]) => Math.round(Math.max(0, ...kb) / 1024);

/** User and system CPU time of a process, in clock ticks (Linux). */
const cpuTicks = (pid: number | undefined): number | null =>
  pid ? (processCpu(pid)?.ownTicks ?? null) : null;
