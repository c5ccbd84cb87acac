import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for';

/**
 * A TCP port nobody uses now, for a server spawned a moment later: below the kernel's ephemeral
 * range, so no outgoing connection (the server's own pools, or ours) can take it meanwhile.
 */
export async function freePort(): Promise<number> {
  const below = ephemeralPortsFrom();
  for (;;) {
    const port = below - 10_000 + Math.floor(Math.random() * 10_000);
    if (await canListen(port)) return port;
  }
}

/** Where the kernel starts handing out ports for outgoing connections (Linux; else IANA's). */
function ephemeralPortsFrom(): number {
  try {
    const from = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    if (Number.isInteger(from) && from > 11_024) return from;
  } catch {
    // not Linux
  }
  return 49_152;
}

const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, '0.0.0.0', () => {
      server.close(() => {
        resolve(true);
      });
    });
  });

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
    socket.connect(port, '127.0.0.1');
  });

/**
 * A redis-server of this test's own, without persistence: killing it loses every key, as a
 * Redis restart without AOF or RDB does. Never the shared server.
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Why no private Redis can run here (no redis-server on the PATH), or null when one can. */
  static unavailable(): string | null {
    const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
    return probe.error === undefined && probe.status === 0
      ? null
      : 'no redis-server on this machine';
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.child = child;
    await waitFor(`private redis on ${this.port}`, () => canConnect(this.port), 20_000);
  }

  /** SIGKILL, then a fresh start on the same port: every key is gone. */
  async restartEmpty(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => {
        resolve();
      });
      child.kill('SIGKILL');
    });
  }
}

const PG_BIN = '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL 15 cluster of this test's own (initdb + pg_ctl in a temporary directory, on a
 * free port). initdb refuses to run as root: as root, it runs as the `postgres` OS user.
 * `start()` answers why it cannot run, or null when it runs.
 */
export class PrivatePostgres {
  private dir = '';
  port = 0;

  get serverUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}`;
  }

  async start(): Promise<string | null> {
    if (!existsSync(join(PG_BIN, 'initdb'))) return `no ${PG_BIN}/initdb on this machine`;
    this.port = await freePort();
    this.dir = mkdtempSync(join(tmpdir(), 'vw-pg-'));
    try {
      if (userInfo().uid === 0) {
        const pgUser = execFileSync('id', ['-u', 'postgres']).toString().trim();
        const pgGroup = execFileSync('id', ['-g', 'postgres']).toString().trim();
        chownSync(this.dir, Number(pgUser), Number(pgGroup));
      }
      this.run('initdb', [
        '-D',
        join(this.dir, 'data'),
        '-U',
        'postgres',
        '-A',
        'trust',
        '--no-sync',
      ]);
      this.pgCtl(['start', '-w', '-t', '60']);
    } catch (error) {
      this.cleanUp();
      return `cannot start a private PostgreSQL: ${(error as Error).message.split('\n')[0]}`;
    }
    await waitFor(`private PostgreSQL on ${this.port}`, () => canConnect(this.port), 30_000);
    return null;
  }

  /** An immediate shutdown (no checkpoint, as a crash) and a start, on the same port. */
  restart(): void {
    this.pgCtl(['restart', '-m', 'immediate', '-w', '-t', '60']);
  }

  stop(): void {
    if (this.dir === '') return;
    try {
      this.pgCtl(['stop', '-m', 'immediate', '-w']);
    } catch {
      // Already down.
    }
    this.cleanUp();
  }

  private pgCtl(args: string[]): void {
    const data = join(this.dir, 'data');
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    this.run('pg_ctl', [...args, '-D', data, '-l', join(this.dir, 'log'), '-o', options]);
  }

  private run(binary: string, args: string[]): void {
    const command = join(PG_BIN, binary);
    if (userInfo().uid === 0)
      execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' });
    else execFileSync(command, args, { stdio: 'pipe' });
  }

  private cleanUp(): void {
    rmSync(this.dir, { recursive: true, force: true });
    this.dir = '';
  }
}
