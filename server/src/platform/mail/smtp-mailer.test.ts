import net from 'node:net';
import { inspect } from 'node:util';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createMailer } from './create-mailer.js';
import { MailError, type MailTransport, type OutgoingMail } from './mailer.js';
import { createSmtpMailer, smtpConnectionOptions } from './smtp-mailer.js';

interface Received {
  mailFrom: string | undefined;
  rcptTo: string[];
  raw: string;
}

interface TestSmtpServer {
  port: number;
  received: Received[];
  logins: { username: string | undefined; password: string | null | undefined }[];
  close(): Promise<void>;
}

/** A plain-text SMTP server on loopback that keeps every message it accepts. */
async function startSmtpServer(options: SMTPServerOptions = {}): Promise<TestSmtpServer> {
  const received: Received[] = [];
  const logins: TestSmtpServer['logins'] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push({ username: auth.username, password: auth.password });
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as net.AddressInfo;
  return {
    port,
    received,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface MimePart {
  headers: string;
  body: string;
}

/**
 * The leaf parts of a raw MIME message, each body decoded from its transfer encoding: enough
 * to check what a mail client would find, without a MIME library.
 */
function mimeParts(raw: string): MimePart[] {
  const [headers = '', ...rest] = raw.split('\r\n\r\n');
  const body = rest.join('\r\n\r\n');
  const unfolded = headers.replace(/\r\n[ \t]+/g, ' ');
  const boundary = /^Content-Type: multipart\/[a-z]+;.*boundary="?([^";\r\n]+)"?/im.exec(unfolded);
  if (!boundary) return [{ headers: unfolded, body: decodeTransfer(unfolded, body) }];
  return body
    .split(`--${boundary[1]}`)
    .slice(1, -1)
    .flatMap((part) => mimeParts(part.replace(/^\r\n/, '')));
}

function decodeTransfer(headers: string, body: string): string {
  const encoding = /^Content-Transfer-Encoding: *([a-z0-9-]+)/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64')
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const recipient = 'maria.canary@example.org';
const bodyCanary = 'canary-body-7f3c91';
const message: OutgoingMail = {
  to: recipient,
  subject: 'Confirm your email address',
  text: `Open this link to confirm your address: https://clinic.example/verify#${bodyCanary}`,
  html: `<p>Open <a href="https://clinic.example/verify#${bodyCanary}">this link</a>.</p>`,
  category: 'verify-email',
};

describe('SMTP mailer', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const smtpServer = async (options?: SMTPServerOptions) => {
    const server = await startSmtpServer(options);
    cleanups.push(() => server.close());
    return server;
  };
  const mailer = (url: string): MailTransport => {
    const created = createSmtpMailer({
      url,
      from: 'OpenVisit <no-reply@clinic.example>',
      transport: { ignoreTLS: true },
      sendTimeoutMs: 10_000,
    });
    cleanups.push(() => created.close());
    return created;
  };

  it('delivers the text and html to the recipient with the subject and sender', async () => {
    const server = await smtpServer();
    await mailer(`smtp://127.0.0.1:${server.port}`).send(message);

    expect(server.received).toHaveLength(1);
    const [mail] = server.received;
    expect(mail!.mailFrom).toBe('no-reply@clinic.example');
    expect(mail!.rcptTo).toEqual([recipient]);
    const raw = mail!.raw.replace(/=\r\n/g, ''); // undo quoted-printable soft line breaks
    expect(raw).toMatch(/^To: maria\.canary@example\.org\r$/m);
    expect(raw).toMatch(/^Subject: Confirm your email address\r$/m);
    expect(raw).toMatch(/^From: OpenVisit <no-reply@clinic\.example>\r$/m);
    expect(raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(raw).toContain(message.text);
    expect(raw).toContain(`<a href=3D"https://clinic.example/verify#${bodyCanary}">`);
  });

  it('sends a calendar invitation as a text/calendar part that mail clients act on', async () => {
    const uid = '0b6f3c1e-6a55-4c1f-9a43-2f7d1c8e9b10@openvisit';
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//OpenVisit//Test//EN',
      'METHOD:REQUEST',
      'BEGIN:VEVENT',
      `UID:${uid}`,
      'DTSTAMP:20260301T120000Z',
      'DTSTART:20260310T140000Z',
      'DTEND:20260310T143000Z',
      'SUMMARY:Video visit with Dr. Mei Chen',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const server = await smtpServer();
    await mailer(`smtp://127.0.0.1:${server.port}`).send({
      ...message,
      category: 'appointment-confirmation',
      calendar: { method: 'REQUEST', ics },
    });

    expect(server.received).toHaveLength(1);
    const parts = mimeParts(server.received[0]!.raw);
    const invitation = parts.find((part) =>
      /^Content-Type: text\/calendar; .*method=REQUEST/im.test(part.headers),
    );
    expect(invitation).toBeDefined();
    expect(invitation!.body).toContain(`UID:${uid}`);
    expect(invitation!.body).toContain('METHOD:REQUEST');
    // The text and html stay alongside it for clients that do not read calendars.
    expect(parts.some((part) => /^Content-Type: text\/plain/im.test(part.headers))).toBe(true);
    expect(parts.some((part) => /^Content-Type: text\/html/im.test(part.headers))).toBe(true);
    // And the same file as a named attachment for clients that only offer downloads.
    const attachment = parts.find((part) => /filename="?visit\.ics"?/i.test(part.headers));
    expect(attachment?.body).toContain(`UID:${uid}`);
  });

  it('sends a cancellation with method=CANCEL', async () => {
    const ics =
      'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//OpenVisit//Test//EN\r\nMETHOD:CANCEL\r\n' +
      'BEGIN:VEVENT\r\nUID:cancelled-1@openvisit\r\nDTSTAMP:20260301T120000Z\r\n' +
      'DTSTART:20260310T140000Z\r\nSEQUENCE:1\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    const server = await smtpServer();
    await mailer(`smtp://127.0.0.1:${server.port}`).send({
      ...message,
      calendar: { method: 'CANCEL', ics },
    });
    const cancellation = mimeParts(server.received[0]!.raw).find((part) =>
      /^Content-Type: text\/calendar; .*method=CANCEL/im.test(part.headers),
    );
    expect(cancellation?.body).toContain('STATUS:CANCELLED');
  });

  it('sends no calendar part when there is no calendar', async () => {
    const server = await smtpServer();
    await mailer(`smtp://127.0.0.1:${server.port}`).send(message);
    expect(server.received[0]!.raw).not.toMatch(/text\/calendar|\.ics/);
  });

  it('sends a text-only message when there is no html', async () => {
    const server = await smtpServer();
    await mailer(`smtp://127.0.0.1:${server.port}`).send({ ...message, html: undefined });
    const raw = server.received[0]!.raw;
    expect(raw).toMatch(/^Content-Type: text\/plain/m);
    expect(raw).not.toContain('text/html');
  });

  it('reuses pooled connections for several messages', async () => {
    let connections = 0;
    const server = await smtpServer({
      onConnect(_session, callback) {
        connections += 1;
        callback();
      },
    });
    const pooled = mailer(`smtp://127.0.0.1:${server.port}`);
    for (let i = 0; i < 5; i++) await pooled.send({ ...message, subject: `Reminder ${i}` });
    expect(server.received).toHaveLength(5);
    expect(connections).toBe(1);
  });

  it('signs in with the credentials in the URL, percent-decoded', async () => {
    const server = await smtpServer({ authOptional: false, allowInsecureAuth: true });
    const password = 'p@ss:w/rd%';
    await mailer(
      `smtp://mailer%40clinic:${encodeURIComponent(password)}@127.0.0.1:${server.port}`,
    ).send(message);
    expect(server.logins).toEqual([{ username: 'mailer@clinic', password }]);
    expect(server.received).toHaveLength(1);
  });

  it('rejects without naming the recipient or the content when the server is unreachable', async () => {
    const port = await closedPort();
    const error = await mailer(`smtp://127.0.0.1:${port}`)
      .send(message)
      .then(
        () => undefined,
        (err: unknown) => err,
      );

    expect(error).toBeInstanceOf(MailError);
    expect((error as MailError).code).toBe('delivery-failed');
    expect((error as MailError).message).toBe('Email delivery failed (ECONNREFUSED CONN)');
    // Everything a logger could print: message, stack, properties, causes.
    const printed = `${(error as Error).message}\n${(error as Error).stack}\n${inspect(error, { depth: 10 })}`;
    for (const secret of [recipient, 'maria', bodyCanary, message.subject]) {
      expect(printed).not.toContain(secret);
    }
  });

  it('drops the server reply that quotes the recipient when the recipient is refused', async () => {
    const server = await smtpServer({
      onRcptTo(address, _session, callback) {
        const refusal = new Error(`<${address.address}>: user unknown`) as Error & {
          responseCode: number;
        };
        refusal.responseCode = 550;
        callback(refusal);
      },
    });
    const error = await mailer(`smtp://127.0.0.1:${server.port}`)
      .send(message)
      .then(
        () => undefined,
        (err: unknown) => err,
      );

    expect(error).toBeInstanceOf(MailError);
    expect((error as MailError).transport).toEqual({
      code: 'EENVELOPE',
      command: 'RCPT TO',
      responseCode: 550,
    });
    expect(inspect(error, { depth: 10 })).not.toContain(recipient);
    expect(server.received).toHaveLength(0);
  });

  it('refuses an invalid message before connecting, without echoing it', async () => {
    const server = await smtpServer();
    const smtp = mailer(`smtp://127.0.0.1:${server.port}`);
    const attempts: OutgoingMail[] = [
      { ...message, to: `${recipient}, other@example.org` },
      { ...message, to: `Maria <${recipient}>` },
      { ...message, subject: 'Hello\r\nBcc: other@example.org' },
      { ...message, category: 'Visit with Dr. Smith' },
      { ...message, calendar: { method: 'REQUEST', ics: 'METHOD:REQUEST\r\n' } },
    ];
    for (const attempt of attempts) {
      const error = await smtp.send(attempt).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(MailError);
      expect((error as MailError).code).toBe('invalid-message');
      expect((error as MailError).message).not.toContain(recipient);
    }
    expect(server.received).toHaveLength(0);
  });

  it('refuses to send after close()', async () => {
    const server = await smtpServer();
    const smtp = mailer(`smtp://127.0.0.1:${server.port}`);
    await smtp.send(message);
    await smtp.close();
    await expect(smtp.send(message)).rejects.toMatchObject({ code: 'closed' });
    expect(server.received).toHaveLength(1);
  });

  it('is what createMailer returns when an SMTP URL is configured', async () => {
    const server = await smtpServer();
    // No database is touched on this path.
    const viaFactory = createMailer({
      smtpUrl: `smtp://127.0.0.1:${server.port}`,
      from: 'no-reply@clinic.example',
      db: undefined as never,
    });
    cleanups.push(() => viaFactory.close());
    expect(viaFactory.kind).toBe('smtp');
    await viaFactory.send(message);
    expect(server.received[0]!.rcptTo).toEqual([recipient]);
  });
});

describe('SMTP URL', () => {
  it('reads host, port, TLS mode and credentials', () => {
    expect(smtpConnectionOptions('smtps://user:secret@mail.clinic.example')).toEqual({
      host: 'mail.clinic.example',
      port: 465,
      secure: true,
      requireTLS: false,
      auth: { user: 'user', pass: 'secret' },
    });
    expect(smtpConnectionOptions('smtp://mail.clinic.example')).toEqual({
      host: 'mail.clinic.example',
      port: 587,
      secure: false,
      requireTLS: true,
    });
  });

  it('requires STARTTLS on smtp:// except to a relay on this machine', () => {
    expect(smtpConnectionOptions('smtp://10.0.0.5:25').requireTLS).toBe(true);
    expect(smtpConnectionOptions('smtp://127.0.0.1:25').requireTLS).toBe(false);
    expect(smtpConnectionOptions('smtp://localhost:25').requireTLS).toBe(false);
    expect(smtpConnectionOptions('smtp://[::1]:25')).toMatchObject({
      host: '::1',
      requireTLS: false,
    });
  });

  it('rejects other schemes and bad URLs without repeating the password', () => {
    for (const url of [
      'http://user:hunter2-secret@mail.example',
      'smtp://user:hunter2-secret@',
      'nonsense hunter2-secret',
    ]) {
      let error: unknown;
      try {
        smtpConnectionOptions(url);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(MailError);
      expect((error as MailError).code).toBe('invalid-config');
      expect(inspect(error)).not.toContain('hunter2-secret');
    }
  });
});
