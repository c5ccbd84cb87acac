import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../src/database/data-dir-lock';
import { freePort } from './support/private-servers';

const MAIN = join(__dirname, '..', 'dist', 'src', 'main.js');
const ADMIN_KEY = 'vw_test_admin_embedded_0000000000';
// As root, PostgreSQL runs as another account; otherwise as we do, and it can go anywhere.
const describeAsRoot = process.getuid?.() === 0 ? describe : describe.skip;

interface Service {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * The built service with no DATABASE_URL and no Redis, as on a bare machine: it starts its own
 * PostgreSQL in VAULTWATCH_DATA_DIR and keeps its queues there.
 */
describe('embedded PostgreSQL (no DATABASE_URL)', () => {
  let dataDir: string;
  const running: Service[] = [];

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error('Run `npm run build` first: this test runs dist/');
    dataDir = await mkdtemp(join(tmpdir(), 'vaultwatch-embedded-'));
    // As root, PostgreSQL runs as another account that must reach the folder.
    await chmod(dataDir, 0o755);
  });

  afterAll(async () => {
    for (const service of running) service.child.kill('SIGKILL');
    await stopLeftServer();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = async (folder = dataDir): Promise<Service> => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'QUEUE_BACKEND', 'QUEUE_PREFIX'])
      Reflect.deleteProperty(env, name);
    const port = await freePort();
    Object.assign(env, {
      VAULTWATCH_DATA_DIR: folder,
      PORT: String(port),
      ADMIN_API_KEY: ADMIN_KEY,
      LOG_LEVEL: 'info',
      APP_ROLE: 'all',
    });
    const child = spawn(process.execPath, [MAIN], { env, stdio: 'pipe' });
    const chunks: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const service = { child, port, output: () => chunks.join(''), exited };
    running.push(service);
    return service;
  };

  const api = (service: Service, path: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${service.port}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    });

  /** Waits for /health; a service that exits or never answers fails with what it printed. */
  const healthy = async (service: Service) => {
    const deadline = Date.now() + 90_000;
    let last = 'no answer';
    const running = () => service.child.exitCode === null && service.child.signalCode === null;
    while (Date.now() < deadline && running()) {
      const answer = await api(service, '/health', { signal: AbortSignal.timeout(5_000) }).catch(
        (error: unknown) => String(error),
      );
      if (typeof answer !== 'string' && answer.ok) return (await answer.json()) as object;
      last = typeof answer === 'string' ? answer : `${answer.status} ${await answer.text()}`;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const state = running() ? 'never answered' : 'exited';
    throw new Error(
      `The service ${state} (last /health: ${last}); it printed:\n${service.output()}`,
    );
  };

  /** The PostgreSQL the folder's postmaster.pid names, if it still runs. */
  const serverPid = async () => {
    const text = await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').catch(
      () => '',
    );
    const pid = Number.parseInt(text.split('\n')[0], 10);
    return Number.isInteger(pid) && processAlive(pid) ? pid : null;
  };

  const stopLeftServer = async () => {
    const pid = await serverPid();
    if (pid) process.kill(pid, 'SIGINT');
  };

  it('starts its own PostgreSQL, refuses a second process on the folder, stops cleanly, keeps data', async () => {
    const first = await start();
    expect(await healthy(first)).toEqual({
      status: 'ok',
      queueBackend: 'postgres',
      checks: { database: { status: 'up' } },
    });
    const created = await api(first, '/api/v1/api-keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'kept-across-restarts', role: 'viewer' }),
    });
    expect(created.status).toBe(201);

    // A second process on the same folder is refused before it touches anything.
    const second = await start();
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`The data folder ${dataDir} is in use by another vaultwatch`);
    expect(second.output()).toContain(`(pid ${first.child.pid})`);
    expect((await api(first, '/health')).ok).toBe(true);

    // SIGTERM: the service drains, then stops PostgreSQL and lets go of the folder.
    const server = await serverPid();
    expect(server).not.toBeNull();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(processAlive(server!)).toBe(false);
    expect(existsSync(join(dataDir, 'vaultwatch.lock'))).toBe(false);

    // Started again on the same folder: the data is still there.
    const third = await start();
    await healthy(third);
    const keys = (await (await api(third, '/api/v1/api-keys')).json()) as { name: string }[];
    expect(keys.map((key) => key.name)).toContain('kept-across-restarts');

    // Killed outright, its PostgreSQL is left running; the next start stops it and goes on.
    const orphan = await serverPid();
    third.child.kill('SIGKILL');
    await third.exited;
    expect(orphan && processAlive(orphan)).toBe(true);
    const fourth = await start();
    await healthy(fourth);
    expect(processAlive(orphan!)).toBe(false);
    const again = (await (await api(fourth, '/api/v1/api-keys')).json()) as { name: string }[];
    expect(again.map((key) => key.name)).toContain('kept-across-restarts');
    fourth.child.kill('SIGTERM');
    expect(await fourth.exited).toBe(0);
  }, 300_000);

  describeAsRoot('as root', () => {
    it('names the folder its PostgreSQL account cannot enter, and what to do', async () => {
      const privateFolder = await mkdtemp(join(tmpdir(), 'vaultwatch-private-')); // 0700
      try {
        const service = await start(join(privateFolder, 'data'));
        expect(await service.exited).toBe(1);
        expect(service.output()).toMatch(
          new RegExp(`runs as user \\w+, who cannot enter ${privateFolder} .*set DATABASE_URL`),
        );
      } finally {
        await rm(privateFolder, { recursive: true, force: true });
      }
    }, 60_000);
  });
});
