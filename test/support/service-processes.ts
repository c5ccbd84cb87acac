import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

/**
 * The built service (dist/) as child processes of a test, configured by the environment at
 * the time each one starts, their output kept, and killed with SIGKILL as a crash would.
 */
export class ServiceProcesses {
  private readonly running = new Set<ChildProcess>();
  private readonly output: string[] = [];

  constructor() {
    if (!existsSync(MAIN)) throw new Error('Run `npm run build` first: this test runs dist/');
  }

  /** Starts one service with the current `process.env`. */
  start(): ChildProcess {
    const child = spawn(process.execPath, [MAIN], { env: process.env, stdio: 'pipe' });
    this.running.add(child);
    child.once('exit', () => this.running.delete(child));
    child.stdout.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    return child;
  }

  /** SIGKILL, resolved once the process is gone. */
  kill(child: ChildProcess): Promise<void> {
    return new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      child.once('exit', () => {
        resolve();
      });
      child.kill('SIGKILL');
    });
  }

  /** Kills whatever still runs (a test that timed out leaves its last service running). */
  async killAll(): Promise<void> {
    await Promise.all([...this.running].map((child) => this.kill(child)));
  }

  /** Everything the services wrote to stdout and stderr, in order. */
  logs(): string {
    return this.output.join('');
  }
}
