import { createHash } from 'node:crypto';
import {
  createTransport,
  type NodemailerError,
  type SMTPSentMessageInfo,
  type SMTPTransportOptions,
  type Transporter,
} from 'nodemailer';
import { z } from 'zod';
import {
  type ChannelSendResult,
  type DeliveryThread,
  type IncidentMessage,
  type NotificationChannel,
  PermanentDeliveryError,
  RetryableDeliveryError,
} from './channel';
import { emailAddress, secret, smtpUrl } from './channel-settings';
import { emailHtml, emailSubject, emailText } from './email-message';
import { DESTINATION_REFUSED, DestinationGuard } from '../destinations/destination-guard';
import { guardedSocket } from '../destinations/guarded-socket';
import { errorDetails, findErrorWithCode, networkErrorClass } from './error-details';
import { oneLine } from './incident-text';

const emailSettings = z.object({
  from: emailAddress('required: an email address'),
  to: z
    .array(emailAddress('required: a list of email addresses'), {
      error: 'required: a list of email addresses',
    })
    .min(1, 'required: a list of email addresses'),
  // The SMTP URL holds the host and the password together.
  smtpUrl: secret(smtpUrl('required: an smtp:// or smtps:// URL')),
});

export type EmailChannelConfig = z.output<typeof emailSettings>;

type SmtpTransporter = Transporter<SMTPSentMessageInfo, SMTPTransportOptions>;

const MAX_CACHED_TRANSPORTS = 16;

/** Failures about the configuration or the message, not the moment: retrying cannot help. */
const PERMANENT_CODES = new Set(['ECONFIG', 'EENVELOPE', 'EMAXRECIPIENTS']);
const AUTH_CODES = new Set(['EAUTH', 'ENOAUTH']);

export interface EmailChannelOptions {
  /** Budget of one send: connecting and the greeting get half of it each. Default 10 s. */
  timeoutMs?: number;
  /** Right-hand side of the Message-IDs and the List-Id. Default `vaultwatch`. */
  domain?: string;
  /** Which addresses the SMTP server may have. Default: public addresses only. */
  guard?: DestinationGuard;
}

/**
 * Email over SMTP, one thread per incident: the first message's Message-ID is a root derived
 * from the incident (`<incident-ID@domain>`), later messages reply to it. Mail clients thread
 * on References even when the root never arrived, so every message stays in one conversation.
 * Message-IDs are deterministic: a retried delivery is recognisably the same message.
 */
export class EmailChannel implements NotificationChannel<typeof emailSettings> {
  readonly type = 'email';
  readonly settings = emailSettings;
  readonly destinationField = 'smtpUrl';
  private readonly transports = new Map<string, SmtpTransporter>();
  private readonly timeoutMs: number;
  private readonly domain: string;
  private readonly guard: DestinationGuard;

  constructor(options: EmailChannelOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.domain = options.domain ?? 'vaultwatch';
    this.guard = options.guard ?? new DestinationGuard(false);
  }

  async send(
    config: EmailChannelConfig,
    message: IncidentMessage,
    thread: DeliveryThread | null,
  ): Promise<ChannelSendResult> {
    if (config.to.length === 0) throw new PermanentDeliveryError('email channel has no recipients');
    const syntheticRoot = rootMessageId(message.incidentId, this.domain);
    const root = thread?.email?.rootMessageId ?? syntheticRoot;
    // The first message of an incident is the root; a later change whose root was never sent
    // (the channel was added later) still replies to the synthetic root.
    const isRoot = !thread?.email && (message.change === 'opened' || message.change === 'test');
    const messageId = isRoot
      ? syntheticRoot
      : changeMessageId(message.incidentId, message.changeId, this.domain);
    const references = [...new Set([syntheticRoot, root])];

    let info: SMTPSentMessageInfo;
    try {
      info = await this.transport(config.smtpUrl).sendMail({
        from: config.from,
        to: config.to,
        subject: emailSubject(message),
        text: emailText(message),
        html: emailHtml(message),
        messageId,
        ...(isRoot ? {} : { inReplyTo: root, references }),
        list: { id: { url: `alerts.${this.domain}`, comment: 'vaultwatch alerts' } },
        headers: {
          // RFC 3834: no vacation replies or other auto-answers to alerts.
          'Auto-Submitted': 'auto-generated',
          'X-Auto-Response-Suppress': 'All',
          'X-Vaultwatch-Incident': oneLine(message.incidentId, 200),
          'X-Vaultwatch-Change': message.change,
          'X-Vaultwatch-Severity': message.severity,
        },
      });
    } catch (error) {
      throw toEmailDeliveryError(error, config.smtpUrl);
    }
    // Some servers (Microsoft 365, SES) replace the Message-ID: later replies must name theirs.
    const threadRoot = isRoot ? (info.serverMessageId ?? syntheticRoot) : root;
    return {
      thread: { ...thread, email: { rootMessageId: threadRoot } },
      providerRef: info.serverMessageId ?? info.messageId,
    };
  }

  /** Closes the cached transports (pool is off: this only drops idle state). */
  close(): void {
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
  }

  private transport(smtpUrl: string): SmtpTransporter {
    const key = createHash('sha256').update(smtpUrl).digest('hex');
    let transport = this.transports.get(key);
    if (transport) return transport;
    const half = Math.max(1, Math.floor(this.timeoutMs / 2));
    try {
      transport = createTransport({
        url: smtpUrl,
        // One connection per send: alerts are rare, and a pool would hide a dead server.
        pool: false,
        connectionTimeout: half,
        greetingTimeout: half,
        dnsTimeout: half,
        socketTimeout: this.timeoutMs,
        socketCloseTimeout: 1_000,
        // Our own socket, through the guard: nodemailer would resolve and connect by itself.
        getSocket: (options, callback) => {
          const host = options.host ?? 'localhost';
          const port = Number(options.port) || (options.secure ? 465 : 587);
          guardedSocket(this.guard, host, port, half).then(
            (connection) => {
              callback(null, { connection });
            },
            (error: unknown) => {
              callback(asConnectError(error), undefined);
            },
          );
        },
      });
    } catch (error) {
      throw new PermanentDeliveryError(
        redactSmtpSecrets(`SMTP configuration refused: ${errorDetails(error).message}`, smtpUrl),
      );
    }
    if (this.transports.size >= MAX_CACHED_TRANSPORTS) {
      const oldest = this.transports.entries().next();
      if (!oldest.done) {
        oldest.value[1].close();
        this.transports.delete(oldest.value[0]);
      }
    }
    this.transports.set(key, transport);
    return transport;
  }
}

export function rootMessageId(incidentId: string, domain = 'vaultwatch'): string {
  return `<incident-${idPart(incidentId)}@${domain}>`;
}

export function changeMessageId(
  incidentId: string,
  changeId: string,
  domain = 'vaultwatch',
): string {
  return `<incident-${idPart(incidentId)}-${idPart(changeId)}@${domain}>`;
}

/**
 * Maps nodemailer's errors: SMTP replies by their class (5xx permanent except 503, 4xx
 * transient), connection and timeout failures retryable, bad credentials or configuration
 * permanent. The SMTP URL's credentials never reach the message.
 */
export function toEmailDeliveryError(error: unknown, smtpUrl: string): Error {
  if (error instanceof PermanentDeliveryError || error instanceof RetryableDeliveryError)
    return error;
  const refused = findErrorWithCode(error, DESTINATION_REFUSED);
  if (refused) return refused;
  // Read field by field: socket errors may come from another realm than this module's Error.
  const e = (typeof error === 'object' && error !== null ? error : {}) as NodemailerError;
  const code = typeof e.code === 'string' ? e.code : 'ERROR';
  const command = typeof e.command === 'string' ? e.command : undefined;
  const where = command ? ` at ${oneLine(command.split(' ')[0] ?? '', 20)}` : '';
  const detail =
    typeof e.response === 'string' ? e.response : errorDetails(error).message || String(error);
  const text = redactSmtpSecrets(
    `SMTP send to ${redactSmtpUrl(smtpUrl)} failed${where}: ${code}` +
      `${typeof e.responseCode === 'number' ? ` ${e.responseCode}` : ''}: ${oneLine(detail, 300)}`,
    smtpUrl,
  );
  if (AUTH_CODES.has(code) || e.responseCode === 535 || e.responseCode === 534)
    return new PermanentDeliveryError(text, 'auth_failed');
  if (typeof e.responseCode === 'number') {
    const permanent = e.permanent ?? (e.responseCode >= 500 && e.responseCode !== 503);
    return permanent ? new PermanentDeliveryError(text) : new RetryableDeliveryError(text);
  }
  return PERMANENT_CODES.has(code)
    ? new PermanentDeliveryError(text)
    : new RetryableDeliveryError(text, undefined, networkErrorClass(error));
}

/** `smtp://alice:***@mail.example.com:587`: where it went, without the password. */
export function redactSmtpUrl(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl);
    if (url.password !== '') url.password = '***';
    url.search = '';
    url.hash = '';
    return url.toString();
  } catch {
    return '[invalid SMTP URL]';
  }
}

/** Removes the password in every form an error could quote it: raw, decoded, SASL base64. */
export function redactSmtpSecrets(text: string, smtpUrl: string): string {
  let out = text.split(smtpUrl).join(redactSmtpUrl(smtpUrl));
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    return out;
  }
  if (url.password === '') return out;
  const user = safeDecode(url.username);
  const password = safeDecode(url.password);
  const secrets = [
    url.password,
    password,
    Buffer.from(password).toString('base64'),
    Buffer.from(`\u0000${user}\u0000${password}`).toString('base64'),
  ];
  // Longest first: one form can contain another (the SASL PLAIN token ends with the password's).
  for (const secret of secrets.sort((a, b) => b.length - a.length))
    if (secret.length >= 3) out = out.split(secret).join('***');
  return out;
}

/** A failure to connect, shaped as nodemailer reports its own (`ESOCKET` at `CONN`). */
function asConnectError(error: unknown): Error {
  if (findErrorWithCode(error, DESTINATION_REFUSED)) return error as Error;
  const { message, code } = errorDetails(error);
  return Object.assign(new Error(message, { cause: error }), {
    code: code === 'ETIMEDOUT' ? code : 'ESOCKET',
    command: 'CONN',
  });
}

function idPart(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
