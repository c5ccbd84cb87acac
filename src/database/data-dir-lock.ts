import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCK_FILE = 'vaultwatch.lock';

/** A second process on the same data folder would corrupt the embedded database. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data folder ${dataDir} is in use by another vaultwatch process (pid ${pid}). ` +
        'Stop that process first, or give this one its own VAULTWATCH_DATA_DIR.',
    );
  }
}

/** Whether a process with this id runs (a process we may not signal runs too). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data folder for this process: a lock file holding our pid, created exclusively.
 * A lock left by a process that is gone (a crash, a reboot, or ourselves in a restarted
 * container) is taken over. Resolves to the function that releases it.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const file = await open(path, 'wx', 0o644);
      await file.writeFile(`${process.pid}\n`);
      await file.close();
      return () => unlink(path).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder !== process.pid && processAlive(holder)) {
      throw new DataDirInUseError(dataDir, holder);
    }
    await unlink(path).catch(() => undefined);
  }
  throw new Error(`Could not take the lock file ${path}`);
}
