import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { DestinationGuard } from './destination-guard';

export interface GuardedRequestOptions {
  method: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  guard: DestinationGuard;
  /** The answer's body is kept up to this size; 0 discards it unread. */
  maxBodyBytes: number;
}

export interface GuardedAnswer {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One HTTP request through the destination guard: the host is resolved and checked by the
 * socket's own lookup, so the request goes to the address that was checked. Redirects are
 * never followed, and the answer's body is read only up to a cap (its size is the peer's
 * choice).
 */
export function guardedRequest(url: URL, options: GuardedRequestOptions): Promise<GuardedAnswer> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    // Sockets skip the lookup for a literal IP: it is judged here. (A throw here rejects.)
    options.guard.assertLiteral(url.hostname);
    const outgoing = request(
      url,
      {
        method: options.method,
        headers: { ...options.headers, 'Content-Length': String(Buffer.byteLength(options.body)) },
        lookup: options.guard.lookup,
        signal: options.signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          resolve({
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            headers: response.headers,
            body: Buffer.concat(chunks),
          });
        };
        if (options.maxBodyBytes === 0) {
          response.resume();
          response.on('error', () => undefined);
          done();
          return;
        }
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= options.maxBodyBytes) chunks.push(chunk);
          else response.destroy();
        });
        response.on('end', done);
        response.on('close', done);
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}
