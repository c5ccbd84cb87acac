import { createWriteStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerAuthentication,
  type SMTPServerDataStream,
  type SMTPServerError,
  type SMTPServerSession,
} from 'smtp-server';

/**
 * A real SMTP server (the smtp-server package) on 127.0.0.1 that keeps every message it
 * accepts, parsed enough for tests: envelope, headers, Subject, Message-ID, In-Reply-To,
 * References, text and HTML bodies. Plain SMTP only (STARTTLS disabled); AUTH is optional,
 * and checked against `users` when given. It can be down (connections refused) or answer
 * the next messages with an SMTP error.
 */

export interface SmtpCatcherOptions {
  /** Accepted credentials; without them any AUTH succeeds (and AUTH is optional anyway). */
  users?: Record<string, string>;
  /** Every accepted message as one JSON line (a stream, or a file appended to). */
  messageLog?: Writable | string;
  /** Largest message accepted, bytes. Default 10 MiB. */
  maxMessageBytes?: number;
}

export interface CaughtMail {
  /** 1, 2, … in arrival order. */
  seq: number;
  envelope: { from: string | null; to: string[] };
  /** The AUTH user name, if the client authenticated. */
  user: string | null;
  /** The message exactly as received (CRLF line ends). */
  raw: string;
  /** Header values by lower-case name, unfolded, encoded words decoded, in order. */
  headers: Record<string, string[] | undefined>;
  subject: string | null;
  from: string | null;
  to: string | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** Decoded text/plain and text/html bodies (LF line ends), null when absent. */
  text: string | null;
  html: string | null;
  receivedAt: Date;
}

export type SmtpRejectStage = 'mail' | 'rcpt' | 'data';

export interface SmtpRejection {
  stage: SmtpRejectStage;
  code: number;
  message: string;
  at: Date;
}

interface Waiter {
  count: number;
  resolve: (mail: CaughtMail[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface PendingRejection {
  remaining: number;
  code: number;
  message: string;
  stage: SmtpRejectStage;
}

export class SmtpCatcher {
  private server: SMTPServer | undefined;
  private port: number | undefined;
  private caught: CaughtMail[] = [];
  private rejections: SmtpRejection[] = [];
  private pending: PendingRejection[] = [];
  private waiters: Waiter[] = [];
  private down = false;
  private log: Writable | undefined;
  private ownsLog = false;
  private readonly users: Record<string, string> | undefined;
  private readonly maxMessageBytes: number;
  private readonly logOption: Writable | string | undefined;

  constructor(options: SmtpCatcherOptions = {}) {
    this.users = options.users;
    this.maxMessageBytes = options.maxMessageBytes ?? 10 * 1024 * 1024;
    this.logOption = options.messageLog;
  }

  /** Listens on 127.0.0.1 (port 0: an ephemeral port); resolves to `smtp://127.0.0.1:<port>`. */
  async start(port = 0): Promise<string> {
    if (this.server) throw new Error('SmtpCatcher already started');
    if (!this.log && this.logOption !== undefined) {
      this.ownsLog = typeof this.logOption === 'string';
      this.log =
        typeof this.logOption === 'string'
          ? createWriteStream(this.logOption, { flags: 'a' })
          : this.logOption;
    }
    await this.listen(port);
    this.down = false;
    return this.url;
  }

  async stop(): Promise<void> {
    await this.close();
    this.port = undefined;
    this.down = false;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('SmtpCatcher stopped'));
    }
    const log = this.log;
    this.log = undefined;
    if (log && this.ownsLog) await new Promise<void>((resolve) => log.end(resolve));
  }

  /** `smtp://127.0.0.1:<port>`; still answers while the catcher is down (the port is kept). */
  get url(): string {
    if (this.port === undefined) throw new Error('SmtpCatcher is not started');
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The URL with credentials, as an SMTP_URL would carry them. */
  urlWithAuth(user: string, password: string): string {
    if (this.port === undefined) throw new Error('SmtpCatcher is not started');
    return `smtp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${this.port}`;
  }

  /**
   * Down: the listener is closed and connections are refused (ECONNREFUSED), as with a dead
   * mail server. Up again: listens on the same port.
   */
  async setDown(down: boolean): Promise<void> {
    if (this.port === undefined) throw new Error('SmtpCatcher is not started');
    if (down === this.down) return;
    if (down) {
      await this.close();
      this.down = true;
    } else {
      await this.listen(this.port);
      this.down = false;
    }
  }

  /**
   * The next `count` messages are refused with `code` (451: try later, 550: mailbox
   * unavailable, …) at the given stage: MAIL FROM, RCPT TO (default; one rejection per
   * recipient) or after DATA.
   */
  rejectNext(
    count: number,
    code: number,
    options: { stage?: SmtpRejectStage; message?: string } = {},
  ): void {
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError('rejectNext: count must be >= 1');
    if (!Number.isInteger(code) || code < 400 || code > 599)
      throw new RangeError('rejectNext: code must be a 4xx or 5xx SMTP code');
    this.pending.push({
      remaining: count,
      code,
      stage: options.stage ?? 'rcpt',
      message: options.message ?? defaultReplyText(code),
    });
  }

  get messages(): readonly CaughtMail[] {
    return this.caught;
  }

  /** Refusals sent so far (rejectNext and failed AUTH). */
  get rejected(): readonly SmtpRejection[] {
    return this.rejections;
  }

  /** Forgets messages, refusals and pending rejections. */
  clear(): void {
    this.caught = [];
    this.rejections = [];
    this.pending = [];
  }

  /** Resolves with all messages once at least `count` arrived; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs = 5_000): Promise<CaughtMail[]> {
    if (this.caught.length >= count) return Promise.resolve([...this.caught]);
    return new Promise<CaughtMail[]>((resolve, reject) => {
      const waiter: Waiter = {
        count,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(
            new Error(
              `SmtpCatcher: ${count} message(s) expected within ${timeoutMs} ms, got ${this.caught.length}`,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  // ---- server -------------------------------------------------------------------------------

  private async listen(port: number): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      // AUTH over plain TCP: this is a local test server without TLS.
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      banner: 'vaultwatch SMTP catcher',
      size: this.maxMessageBytes,
      closeTimeout: 500,
      socketTimeout: 10_000,
      onAuth: (auth, session, callback) => {
        this.onAuth(auth, session, callback);
      },
      onMailFrom: (address, session, callback) => {
        callback(this.takeRejection('mail'));
      },
      onRcptTo: (address: SMTPServerAddress, session, callback) => {
        callback(this.takeRejection('rcpt'));
      },
      onData: (stream, session, callback) => {
        this.onData(stream, session, callback);
      },
    });
    // Client resets and the like: a test server shrugs them off.
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      const net = server.listen(port, '127.0.0.1', () => {
        net.off('error', reject);
        resolve();
      });
      net.once('error', reject);
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
  }

  private async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(resolve);
    });
  }

  private onAuth(
    auth: SMTPServerAuthentication,
    _session: SMTPServerSession,
    callback: (err: Error | null | undefined, response?: { user?: unknown }) => void,
  ): void {
    const username = auth.username ?? '';
    if (this.users && this.users[username] !== auth.password) {
      this.rejections.push({ stage: 'mail', code: 535, message: 'auth failed', at: new Date() });
      callback(smtpError(535, 'Authentication credentials invalid'));
      return;
    }
    callback(null, { user: username });
  }

  private takeRejection(stage: SmtpRejectStage): SMTPServerError | null {
    const next = this.pending[0] as PendingRejection | undefined;
    if (next?.stage !== stage) return null;
    next.remaining--;
    if (next.remaining === 0) this.pending.shift();
    this.rejections.push({ stage, code: next.code, message: next.message, at: new Date() });
    return smtpError(next.code, next.message);
  }

  private onData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (err?: Error | null, message?: string) => void,
  ): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', (error: Error) => {
      callback(error);
    });
    stream.on('end', () => {
      if (stream.sizeExceeded) {
        callback(smtpError(552, 'Message exceeds the size limit'));
        return;
      }
      const rejection = this.takeRejection('data');
      if (rejection) {
        callback(rejection);
        return;
      }
      const mail = parseMail(Buffer.concat(chunks).toString('utf8'), this.caught.length + 1, {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
        to: session.envelope.rcptTo.map((r) => r.address),
      });
      mail.user = typeof session.user === 'string' ? session.user : null;
      this.caught.push(mail);
      this.writeLog(mail);
      this.notify();
      callback(null, `Message queued as catcher-${mail.seq}`);
    });
  }

  private notify(): void {
    const ready = this.waiters.filter((w) => this.caught.length >= w.count);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => this.caught.length < w.count);
    for (const waiter of ready) {
      clearTimeout(waiter.timer);
      waiter.resolve([...this.caught]);
    }
  }

  private writeLog(mail: CaughtMail): void {
    if (!this.log) return;
    const line = {
      at: mail.receivedAt.toISOString(),
      envelope: mail.envelope,
      subject: mail.subject,
      messageId: mail.messageId,
      inReplyTo: mail.inReplyTo,
      references: mail.references,
      text: mail.text,
    };
    this.log.write(`${JSON.stringify(line)}\n`);
  }
}

function smtpError(code: number, message: string): SMTPServerError {
  const error: SMTPServerError = new Error(message);
  error.responseCode = code;
  return error;
}

function defaultReplyText(code: number): string {
  if (code === 550) return 'Requested action not taken: mailbox unavailable';
  if (code === 451) return 'Requested action aborted: local error in processing';
  if (code === 421) return 'Service not available, closing transmission channel';
  if (code === 452) return 'Requested action not taken: insufficient system storage';
  if (code === 554) return 'Transaction failed';
  return code >= 500 ? 'Permanent failure' : 'Temporary failure';
}

// ---- a small MIME reader: enough for what nodemailer writes -------------------------------

interface Entity {
  headers: Record<string, string[] | undefined>;
  body: string;
}

/** Parses a raw RFC 5322 message (exported for tests of the parser itself). */
export function parseMail(
  raw: string,
  seq: number,
  envelope: { from: string | null; to: string[] },
): CaughtMail {
  const entity = parseEntity(raw);
  const leaves: Array<{ type: string; text: string }> = [];
  collectLeaves(entity, leaves, 0);
  const first = (name: string): string | null => entity.headers[name]?.[0] ?? null;
  const textPart = leaves.find((l) => l.type === 'text/plain');
  const htmlPart = leaves.find((l) => l.type === 'text/html');
  return {
    seq,
    envelope,
    user: null,
    raw,
    headers: entity.headers,
    subject: first('subject'),
    from: first('from'),
    to: first('to'),
    messageId: first('message-id')?.trim() ?? null,
    inReplyTo: first('in-reply-to')?.trim() ?? null,
    references: first('references')?.match(/<[^<>\s]+>/g) ?? [],
    text: textPart ? textPart.text : null,
    html: htmlPart ? htmlPart.text : null,
    receivedAt: new Date(),
  };
}

function parseEntity(raw: string): Entity {
  const match = /\r?\n\r?\n/.exec(raw);
  const head = match ? raw.slice(0, match.index) : raw;
  const body = match ? raw.slice(match.index + match[0].length) : '';
  const headers: Record<string, string[] | undefined> = {};
  // Unfold: a line starting with white space continues the previous header.
  const unfolded = head.replace(/\r?\n(?=[ \t])/g, '');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = decodeEncodedWords(line.slice(colon + 1).trim());
    (headers[name] ??= []).push(value);
  }
  return { headers, body };
}

function collectLeaves(
  entity: Entity,
  out: Array<{ type: string; text: string }>,
  depth: number,
): void {
  const contentType = parseHeaderValue(entity.headers['content-type']?.[0] ?? 'text/plain');
  const type = contentType.value.toLowerCase();
  if (type.startsWith('multipart/') && contentType.params.boundary && depth < 10) {
    for (const part of splitMultipart(entity.body, contentType.params.boundary))
      collectLeaves(parseEntity(part), out, depth + 1);
    return;
  }
  const encoding = (entity.headers['content-transfer-encoding']?.[0] ?? '7bit').toLowerCase();
  const charset = (contentType.params.charset ?? 'utf-8').toLowerCase();
  out.push({ type, text: decodeBody(entity.body, encoding, charset).replace(/\r\n/g, '\n') });
}

function splitMultipart(body: string, boundary: string): string[] {
  const parts: string[] = [];
  let current: string[] | undefined;
  for (const line of body.split(/\r?\n/)) {
    const trimmed = line.trimEnd();
    if (trimmed === `--${boundary}--`) break;
    if (trimmed === `--${boundary}`) {
      if (current) parts.push(current.join('\r\n'));
      current = [];
      continue;
    }
    current?.push(line);
  }
  if (current) parts.push(current.join('\r\n'));
  return parts;
}

function parseHeaderValue(header: string): {
  value: string;
  params: Record<string, string | undefined>;
} {
  const [value = '', ...rest] = header.split(';');
  const params: Record<string, string | undefined> = {};
  for (const item of rest) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const name = item.slice(0, eq).trim().toLowerCase();
    params[name] = item
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { value: value.trim(), params };
}

function decodeBody(body: string, encoding: string, charset: string): string {
  if (encoding === 'base64')
    return toText(Buffer.from(body.replace(/\s+/g, ''), 'base64'), charset);
  if (encoding === 'quoted-printable') return toText(decodeQuotedPrintable(body), charset);
  return body;
}

function decodeQuotedPrintable(text: string): Buffer {
  const input = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    const hex = input.slice(i + 1, i + 3);
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      for (const byte of Buffer.from(ch, 'utf8')) bytes.push(byte);
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) as nodemailer writes them. */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?[^?]+\?[BbQq]\?[^?]*\?=)/g, '$1')
    .replace(
      /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
      (_match, charset: string, kind: string, text: string) => {
        const bytes =
          kind.toUpperCase() === 'B'
            ? Buffer.from(text, 'base64')
            : decodeQuotedPrintable(text.replace(/_/g, ' '));
        return toText(bytes, charset.toLowerCase());
      },
    );
}

function toText(bytes: Buffer, charset: string): string {
  if (charset === 'iso-8859-1' || charset === 'latin1' || charset === 'windows-1252')
    return bytes.toString('latin1');
  return bytes.toString('utf8');
}
