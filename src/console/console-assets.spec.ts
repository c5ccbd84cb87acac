import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findConsoleDir, isServicePath, listConsoleFiles } from './console-assets';

describe('console assets', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vw-console-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('leaves the API, health and metrics to the service, and every other path to the console', () => {
    for (const path of [
      '/api',
      '/api/v1/nothing',
      '/API/v1/x',
      '/health',
      '/metrics',
      '/health/',
    ]) {
      expect({ path, service: isServicePath(path) }).toEqual({ path, service: true });
    }
    for (const path of ['/', '/incidents/12', '/baselines/apiary', '/healthy', '/metrics-page']) {
      expect({ path, service: isServicePath(path) }).toEqual({ path, service: false });
    }
  });

  it('lists only the files of the build, by their request path', () => {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<html></html>');
    writeFileSync(join(root, 'assets', 'index-abc.js'), '');
    const files = listConsoleFiles(root);
    expect([...files.keys()].sort()).toEqual(['/assets/index-abc.js', '/index.html']);
    expect(files.get('/../package.json')).toBeUndefined();
  });

  it('finds the build beside the compiled service and from the sources', () => {
    mkdirSync(join(root, 'dist', 'console'), { recursive: true });
    writeFileSync(join(root, 'dist', 'console', 'index.html'), '');
    expect(findConsoleDir(join(root, 'dist', 'src', 'console'))).toBe(
      join(root, 'dist', 'console'),
    );
    expect(findConsoleDir(join(root, 'src', 'console'))).toBe(join(root, 'dist', 'console'));
    expect(findConsoleDir(join(root, 'x', 'y', 'z'))).toBeNull();
  });
});
