import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

/**
 * Where the built console lives: `dist/console` beside the compiled service, found from the
 * compiled file (dist/src/console) and from the sources (src/console, under ts-jest or ts-node).
 */
export function findConsoleDir(from: string = __dirname): string | null {
  const candidates = [resolve(from, '../../console'), resolve(from, '../../dist/console')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/** Request path → file, for every file of the build: nothing outside it can ever be served. */
export function listConsoleFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else
        files.set(
          '/' +
            path
              .slice(dir.length + 1)
              .split(sep)
              .join('/'),
          path,
        );
    }
  };
  walk(dir);
  return files;
}

/** Paths that belong to the service, never to the console: they answer JSON or text. */
export function isServicePath(path: string): boolean {
  return /^\/(api|health|metrics)(\/|$)/i.test(path);
}
