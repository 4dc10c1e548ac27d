import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  to: string[];
  /** Headers and body with any quoted-printable or base64 transfer encoding undone. */
  text: string;
}

export interface MailCatcher {
  /** For the server's `SMTP_URL`. */
  url: string;
  messages: CaughtMail[];
  /** The first message to `address` that matches, waiting for it to arrive. */
  waitFor(address: string, pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  close(): Promise<void>;
}

/**
 * A plain SMTP server on loopback that keeps every message, so a browser test can follow
 * emailed links. The e2e server's embedded database cannot be opened by another process, so
 * its outbox is out of reach; real SMTP is also the path production takes.
 */
export async function startMailCatcher(): Promise<MailCatcher> {
  const messages: CaughtMail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push({
          to: session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase()),
          text: decodeTransferEncoding(Buffer.concat(chunks).toString('utf8')),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(address, pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (const message of messages) {
          if (!message.to.includes(address.toLowerCase())) continue;
          const match = pattern.exec(message.text);
          if (match) return match;
        }
        if (Date.now() > deadline) {
          throw new Error(`no email to ${address} matching ${pattern} within ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Nodemailer sends long lines as quoted-printable (`token=3Dabc=\r\n...`), so a link cannot
 * be read from the raw message. Each part is decoded by its own header, multipart recursively.
 */
function decodeTransferEncoding(entity: string): string {
  const split = entity.indexOf('\r\n\r\n');
  if (split < 0) return entity;
  const headers = entity.slice(0, split);
  const body = entity.slice(split + 4);
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1];
  if (boundary) {
    const parts = body.split(`--${boundary}`).map((part) => part.replace(/^\r\n/, ''));
    return `${headers}\r\n\r\n${parts.map(decodeTransferEncoding).join(`\r\n--${boundary}\r\n`)}`;
  }
  const encoding = /^content-transfer-encoding:[ \t]*(\S+)/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64') {
    return `${headers}\r\n\r\n${Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')}`;
  }
  if (encoding === 'quoted-printable') {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return `${headers}\r\n\r\n${Buffer.from(bytes, 'latin1').toString('utf8')}`;
  }
  return entity;
}
