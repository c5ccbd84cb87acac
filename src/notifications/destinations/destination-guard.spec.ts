import { createServer, type Server } from 'node:http';
import type { LookupAddress } from 'node:dns';
import type { AddressInfo } from 'node:net';
import {
  DESTINATION_REFUSED,
  DestinationGuard,
  DestinationRefusedError,
} from './destination-guard';
import { guardedRequest } from './guarded-request';

type Answer = LookupAddress[];

/** A resolver that answers from a script, one answer per call (the last one repeats). */
function scriptedResolver(answers: Answer[]) {
  const calls: string[] = [];
  const resolve = (
    hostname: string,
    _options: unknown,
    callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
  ) => {
    calls.push(hostname);
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
    setImmediate(() => {
      callback(null, answer);
    });
  };
  return { resolve, calls };
}

const lookupOnce = (guard: DestinationGuard, host: string) =>
  new Promise<{ address: string; family: number }>((resolve, reject) => {
    guard.lookup(host, {}, (error, address, family) => {
      if (error) reject(error);
      else resolve({ address: address as string, family: family ?? 0 });
    });
  });

describe('DestinationGuard', () => {
  it.each(['127.0.0.1', '[::1]', '::ffff:127.0.0.1', '169.254.169.254', '10.0.0.8', '0.0.0.0'])(
    'refuses the literal %s unless private destinations are allowed',
    (host) => {
      expect(new DestinationGuard(false).literalRefusal(host)).toMatch(/address, refused/);
      expect(new DestinationGuard(true).literalRefusal(host)).toBeNull();
      expect(() => {
        new DestinationGuard(false).assertLiteral(host);
      }).toThrow(DestinationRefusedError);
    },
  );

  it('leaves names and public literals to the lookup', () => {
    const guard = new DestinationGuard(false);
    expect(guard.literalRefusal('hooks.example.com')).toBeNull();
    expect(guard.literalRefusal('8.8.8.8')).toBeNull();
  });

  it('refuses localhost, which resolves to a loopback address', async () => {
    const error = await lookupOnce(new DestinationGuard(false), 'localhost').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DestinationRefusedError);
    expect((error as DestinationRefusedError).code).toBe(DESTINATION_REFUSED);
    expect((error as Error).message).toMatch(
      /^destination localhost resolves to (127\.0\.0\.1|::1), a loopback address, refused/,
    );
  });

  it('refuses a name when any of its addresses is internal', async () => {
    const { resolve } = scriptedResolver([
      [
        { address: '93.184.216.34', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
    ]);
    await expect(lookupOnce(new DestinationGuard(false, resolve), 'mixed.test')).rejects.toThrow(
      /169\.254\.169\.254, a link-local address/,
    );
  });

  it('judges every resolution: a name that turns internal later is refused then', async () => {
    const { resolve } = scriptedResolver([
      [{ address: '93.184.216.34', family: 4 }],
      [{ address: '127.0.0.1', family: 4 }],
    ]);
    const guard = new DestinationGuard(false, resolve);
    await expect(lookupOnce(guard, 'rebind.test')).resolves.toEqual({
      address: '93.184.216.34',
      family: 4,
    });
    await expect(lookupOnce(guard, 'rebind.test')).rejects.toThrow(DestinationRefusedError);
  });

  describe('guardedRequest', () => {
    let server: Server;
    let port: number;
    const seen: string[] = [];

    beforeAll(async () => {
      server = createServer((req, res) => {
        seen.push(`${req.method} ${req.headers.host}`);
        res.end('ok');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    const post = (url: string, guard: DestinationGuard) =>
      guardedRequest(new URL(url), {
        method: 'POST',
        headers: {},
        body: '{}',
        signal: AbortSignal.timeout(5_000),
        guard,
        maxBodyBytes: 100,
      });

    it('connects to the address its lookup checked, and sends the name as Host', async () => {
      // `hooks.test` exists nowhere but in this resolver: reaching the server proves the
      // socket used the checked answer rather than resolving the name again.
      const { resolve, calls } = scriptedResolver([[{ address: '127.0.0.1', family: 4 }]]);
      const answer = await post(
        `http://hooks.test:${port}/in`,
        new DestinationGuard(true, resolve),
      );
      expect(answer.status).toBe(200);
      expect(answer.body.toString()).toBe('ok');
      expect(calls).toEqual(['hooks.test']);
      expect(seen.at(-1)).toBe(`POST hooks.test:${port}`);
    });

    it('refuses to connect to a name resolving to loopback, and to a literal one', async () => {
      const before = seen.length;
      await expect(post(`http://localhost:${port}/`, new DestinationGuard(false))).rejects.toThrow(
        /resolves to .*loopback address, refused/,
      );
      await expect(post(`http://127.0.0.1:${port}/`, new DestinationGuard(false))).rejects.toThrow(
        DestinationRefusedError,
      );
      await expect(
        post(`http://[::ffff:127.0.0.1]:${port}/`, new DestinationGuard(false)),
      ).rejects.toThrow(DestinationRefusedError);
      expect(seen.length).toBe(before);
    });
  });
});
