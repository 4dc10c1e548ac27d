import nodemailer, { type SMTPPoolOptions } from 'nodemailer';
import { assertValidMail, MailError, type MailTransport, type OutgoingMail } from './mailer.js';

/** Transport settings a caller may change; everything else follows from the URL. */
export type SmtpTransportOverrides = Pick<
  SMTPPoolOptions,
  | 'ignoreTLS'
  | 'requireTLS'
  | 'tls'
  | 'maxConnections'
  | 'connectionTimeout'
  | 'greetingTimeout'
  | 'socketTimeout'
>;

export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:port` (STARTTLS) or `smtps://user:pass@host:port` (TLS from the start). */
  url: string;
  /** The From header, e.g. `OpenVisit <no-reply@clinic.example>`. */
  from: string;
  transport?: SmtpTransportOverrides;
  /** Longest one send may take, waiting in the pool's queue included. */
  sendTimeoutMs?: number;
}

const DEFAULT_SEND_TIMEOUT_MS = 30_000;

/**
 * Sends through an SMTP server over a small pool of reused connections. Nothing about a
 * message (recipient, subject, body) is ever logged: nodemailer's own logger stays off and
 * errors are rewritten to carry only codes.
 */
export function createSmtpMailer(options: SmtpMailerOptions): MailTransport {
  const transporter = nodemailer.createTransport({
    ...smtpConnectionOptions(options.url),
    pool: true,
    maxConnections: 3,
    // Nodemailer waits two minutes to connect and ten for a reply by default; a request
    // that sends a sign-in link must not hang that long on a dead mail server.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    // The debug log contains the whole SMTP conversation, message included.
    logger: false,
    debug: false,
    // Our messages are text we compose; they never point at files or URLs to inline.
    disableFileAccess: true,
    disableUrlAccess: true,
    ...options.transport,
  });
  // Failures reach the caller through send()'s rejection. An 'error' event without a
  // listener would crash the process instead.
  transporter.on('error', () => {});

  const sendTimeoutMs = options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  return {
    kind: 'smtp',
    async send(message: OutgoingMail) {
      assertValidMail(message);
      if (closed) throw new MailError('closed', 'The mailer is closed');
      const delivery = transporter.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
        // Nodemailer adds it as a text/calendar alternative with `method=` in its
        // Content-Type, which is what Gmail and Outlook look for to show an invitation.
        ...(message.calendar === undefined
          ? {}
          : {
              icalEvent: {
                method: message.calendar.method,
                content: message.calendar.ics,
                filename: 'visit.ics',
              },
            }),
        signal: AbortSignal.timeout(sendTimeoutMs),
      });
      inFlight.add(delivery);
      try {
        await delivery;
      } catch (err) {
        throw deliveryError(err);
      } finally {
        inFlight.delete(delivery);
      }
    },
    /** Lets sends already under way finish (each is bounded by sendTimeoutMs), then closes. */
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...inFlight]);
      transporter.close();
    },
  };
}

/**
 * Host, port, TLS mode and credentials from an SMTP URL. Errors never repeat the URL: it
 * holds the password.
 */
export function smtpConnectionOptions(
  url: string,
): Pick<SMTPPoolOptions, 'host' | 'port' | 'secure' | 'requireTLS' | 'auth'> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MailError('invalid-config', 'SMTP URL is not a valid URL');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new MailError('invalid-config', 'SMTP URL must start with smtp:// or smtps://');
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new MailError('invalid-config', 'SMTP URL has no host');
  const secure = parsed.protocol === 'smtps:';
  return {
    host,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    // Sign-in links and invitation tokens must not cross a network in clear text: on
    // smtp:// STARTTLS is mandatory, except to a relay on this machine.
    requireTLS: !secure && !isLoopback(host),
    ...(parsed.username
      ? {
          auth: {
            user: decodeURIComponent(parsed.username),
            pass: decodeURIComponent(parsed.password),
          },
        }
      : {}),
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

// Nodemailer's messages repeat the server's reply, which often quotes the recipient
// ("550 5.1.1 <maria@…>: user unknown"); keep only the codes, which say what went wrong.
function deliveryError(err: unknown): MailError {
  const source = (err ?? {}) as {
    code?: unknown;
    originalCode?: unknown;
    command?: unknown;
    responseCode?: unknown;
  };
  const code = codeLike(source.originalCode) ?? codeLike(source.code);
  const command =
    typeof source.command === 'string' && /^[A-Z][A-Z0-9 -]{0,30}$/.test(source.command)
      ? source.command
      : undefined;
  const responseCode = typeof source.responseCode === 'number' ? source.responseCode : undefined;
  const summary = [code, command, responseCode].filter((part) => part !== undefined).join(' ');
  return new MailError(
    'delivery-failed',
    `Email delivery failed${summary ? ` (${summary})` : ''}`,
    {
      ...(code === undefined ? {} : { code }),
      ...(command === undefined ? {} : { command }),
      ...(responseCode === undefined ? {} : { responseCode }),
    },
  );
}

const codeLike = (value: unknown) =>
  typeof value === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(value) ? value : undefined;
