import { readFileSync } from 'node:fs';

/** The service answers /health once its migrations ran and its database and queues are up. */
export async function waitUntilHealthy(port: string): Promise<void> {
  for (let attempt = 0; attempt < 120; attempt++) {
    const healthy = await fetch(`http://127.0.0.1:${port}/health`)
      .then((response) => response.ok)
      .catch(() => false);
    if (healthy) return;
    await sleep(500);
  }
  throw new Error('the service did not become healthy');
}

/** Resident memory of a process, in kB (Linux). */
export function residentKb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Linux reports process CPU time in clock ticks of 1/100 s. */
export const TICKS_PER_SECOND = 100;

/**
 * A process's name and CPU time in clock ticks (Linux): its own (user and system), and that of
 * its children that ended and were waited for. Null once it has ended, or without /proc.
 */
export function processCpu(
  pid: number | string,
): { name: string; ownTicks: number; childTicks: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after "pid (comm) ": utime, stime, cutime and cstime are the 14th to 17th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    ownTicks: Number(fields[11]) + Number(fields[12]),
    childTicks: Number(fields[13]) + Number(fields[14]),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const log = (line: string) => process.stderr.write(`${line}\n`);
