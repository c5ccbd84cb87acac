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

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const log = (line: string) => process.stderr.write(`${line}\n`);
