import { connect } from 'node:net';
import { Client } from 'pg';

/** The machine's own servers, as the tests find them by default (DESIGN section 8). */
export const LOCAL_DATABASE_SERVER = 'postgres://postgres@127.0.0.1:5432';
export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

/** Whether a PostgreSQL server answers at `server` (a URL without a database). */
export async function databaseAnswers(server: string): Promise<boolean> {
  const client = new Client({
    connectionString: `${server}/postgres`,
    connectionTimeoutMillis: 2_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether a Redis server answers PING at `url`. */
export function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(2_000, () => {
      done(false);
    });
    socket.once('error', () => {
      done(false);
    });
    socket.once('connect', () => {
      socket.write('PING\r\n');
    });
    socket.once('data', (data) => {
      done(data.toString().startsWith('+PONG'));
    });
  });
}
