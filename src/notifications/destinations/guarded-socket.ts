import { connect, type Socket } from 'node:net';
import type { DestinationGuard } from './destination-guard';

/**
 * Opens a TCP connection through the destination guard (nodemailer's `getSocket`): the name
 * is resolved and checked by the socket's own lookup, so the connection reaches the address
 * that was checked. TLS, when the server needs it, is layered on this socket by the caller.
 */
export function guardedSocket(
  guard: DestinationGuard,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // Sockets skip the lookup for a literal IP: it is judged here. (A throw here rejects.)
    guard.assertLiteral(host);
    const socket = connect({ host, port, lookup: guard.lookup });
    const timer = setTimeout(() => {
      socket.destroy(
        Object.assign(new Error(`connection to ${host}:${port} timed out`), {
          code: 'ETIMEDOUT',
        }),
      );
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', fail);
      resolve(socket);
    });
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once('error', fail);
  });
}
