import http from 'node:http';
import net from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createSms } from './create-sms.js';
import { SmsError, type OutgoingSms, type SmsTransport } from './sms.js';
import { createTwilioSms, type TwilioSmsOptions } from './twilio-sms.js';

const accountSid = `AC${'0123456789abcdef'.repeat(2)}`;
const authToken = 'twilio-test-auth-token-4b1d';
const messagingServiceSid = `MG${'fedcba9876543210'.repeat(2)}`;
const clinicNumber = '+15550100100';

interface ReceivedRequest {
  method: string | undefined;
  path: string | undefined;
  authorization: string | undefined;
  contentType: string | undefined;
  form: Record<string, string>;
}

interface FakeTwilio {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A loopback server that answers like Twilio's Messages API: it checks HTTP basic auth,
 * accepts a well-formed text with 201 and the message resource, and refuses a number it
 * cannot text with Twilio's error document (code 21211, which quotes the number).
 */
async function startFakeTwilio(
  answer?: (req: ReceivedRequest, res: http.ServerResponse) => boolean,
): Promise<FakeTwilio> {
  const received: ReceivedRequest[] = [];
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method,
        path: req.url,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        form: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
      };
      received.push(request);
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (answer?.(request, res)) return;
      if (request.authorization !== expectedAuth) {
        return json(401, { code: 20003, message: 'Authenticate', status: 401 });
      }
      if (
        request.method !== 'POST' ||
        request.path !== `/2010-04-01/Accounts/${accountSid}/Messages.json`
      ) {
        return json(404, { code: 20404, message: 'Not found', status: 404 });
      }
      const { To: to, Body: body, From: from, MessagingServiceSid: service } = request.form;
      if (!to || !body || (!from && !service)) {
        return json(400, { code: 21602, message: 'Message body is required.', status: 400 });
      }
      if (!/^\+1555\d{7}$/.test(to)) {
        return json(400, {
          code: 21211,
          message: `Invalid 'To' Phone Number: ${to}`,
          more_info: 'https://www.twilio.com/docs/errors/21211',
          status: 400,
        });
      }
      return json(201, {
        sid: `SM${'a'.repeat(32)}`,
        status: 'queued',
        to,
        from: from ?? null,
        body,
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const patientNumber = '+15550123456';
const bodyCanary = 'canary-body-5e2a77';
const message: OutgoingSms = {
  to: patientNumber,
  body: `OpenVisit: your video visit is tomorrow at 9:30 AM. Sign in: https://clinic.example/#${bodyCanary}`,
  category: 'appointment-reminder',
};

/** Everything a logger could print about an error: message, stack, properties, causes. */
const printed = (error: unknown) =>
  `${(error as Error).message}\n${(error as Error).stack}\n${inspect(error, { depth: 10 })}`;

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => err,
  );

describe('Twilio SMS sender', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const fakeTwilio = async (answer?: Parameters<typeof startFakeTwilio>[0]) => {
    const server = await startFakeTwilio(answer);
    cleanups.push(() => server.close());
    return server;
  };
  const sender = (overrides: Partial<TwilioSmsOptions> = {}): SmsTransport => {
    const created = createTwilioSms({
      accountSid,
      authToken,
      from: clinicNumber,
      sendTimeoutMs: 5_000,
      ...overrides,
    });
    cleanups.push(() => created.close());
    return created;
  };

  it('posts the text as a form with basic auth to the account’s Messages resource', async () => {
    const twilio = await fakeTwilio();
    await sender({ apiUrl: twilio.url }).send(message);

    expect(twilio.received).toEqual([
      {
        method: 'POST',
        path: `/2010-04-01/Accounts/${accountSid}/Messages.json`,
        authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
        contentType: expect.stringMatching(/^application\/x-www-form-urlencoded/),
        form: { To: patientNumber, Body: message.body, From: clinicNumber },
      },
    ]);
  });

  it('sends through a Messaging Service when the sender is an MG… SID', async () => {
    const twilio = await fakeTwilio();
    await sender({ apiUrl: `${twilio.url}/`, from: messagingServiceSid }).send(message);
    expect(twilio.received[0]!.form).toEqual({
      To: patientNumber,
      Body: message.body,
      MessagingServiceSid: messagingServiceSid,
    });
  });

  it('keeps only Twilio’s error code and the HTTP status when Twilio refuses the number', async () => {
    const twilio = await fakeTwilio();
    const unreachable = '+15420000001';
    const error = await failureOf(
      sender({ apiUrl: twilio.url }).send({ ...message, to: unreachable }),
    );

    expect(twilio.received).toHaveLength(1);
    expect(error).toBeInstanceOf(SmsError);
    expect(error).toMatchObject({
      code: 'delivery-failed',
      message: 'Text delivery failed (Twilio 21211, HTTP 400)',
      transport: { errorCode: 21211, status: 400 },
    });
    // Twilio's message quoted the number; none of it reaches the error.
    for (const secret of [unreachable, '5420000001', bodyCanary, authToken]) {
      expect(printed(error)).not.toContain(secret);
    }
  });

  it('reports wrong credentials as Twilio’s authentication error, without the token', async () => {
    const twilio = await fakeTwilio();
    const error = await failureOf(
      sender({ apiUrl: twilio.url, authToken: 'not-the-token' }).send(message),
    );
    expect(error).toMatchObject({
      code: 'delivery-failed',
      transport: { errorCode: 20003, status: 401 },
    });
    expect(printed(error)).not.toContain('not-the-token');
    expect(printed(error)).not.toContain(patientNumber);
  });

  it('keeps the HTTP status when the answer is not Twilio’s JSON', async () => {
    const twilio = await fakeTwilio((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end(`<html>Bad gateway for ${patientNumber}</html>`);
      return true;
    });
    const error = await failureOf(sender({ apiUrl: twilio.url }).send(message));
    expect(error).toMatchObject({
      code: 'delivery-failed',
      message: 'Text delivery failed (HTTP 502)',
      transport: { status: 502 },
    });
    expect(printed(error)).not.toContain(patientNumber);
  });

  it('does not follow a redirect with the credentials', async () => {
    const elsewhere = await fakeTwilio();
    const twilio = await fakeTwilio((_req, res) => {
      res.writeHead(307, {
        location: `${elsewhere.url}/2010-04-01/Accounts/${accountSid}/Messages.json`,
      });
      res.end();
      return true;
    });
    const error = await failureOf(sender({ apiUrl: twilio.url }).send(message));
    expect(error).toMatchObject({ code: 'delivery-failed' });
    expect(elsewhere.received).toEqual([]);
  });

  it('rejects without naming the number or the content when Twilio is unreachable', async () => {
    const port = await closedPort();
    const error = await failureOf(sender({ apiUrl: `http://127.0.0.1:${port}` }).send(message));
    expect(error).toBeInstanceOf(SmsError);
    expect(error).toMatchObject({
      code: 'delivery-failed',
      message: 'Text delivery failed (ECONNREFUSED)',
      transport: { networkCode: 'ECONNREFUSED' },
    });
    for (const secret of [patientNumber, bodyCanary, authToken, accountSid]) {
      expect(printed(error)).not.toContain(secret);
    }
  });

  it('gives up after the send timeout when Twilio does not answer', async () => {
    const twilio = await fakeTwilio(() => true); // never answers
    const started = Date.now();
    const error = await failureOf(sender({ apiUrl: twilio.url, sendTimeoutMs: 200 }).send(message));
    expect(error).toMatchObject({
      code: 'delivery-failed',
      transport: { networkCode: 'ETIMEDOUT' },
    });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('refuses an invalid text before calling Twilio, without echoing it', async () => {
    const twilio = await fakeTwilio();
    const sms = sender({ apiUrl: twilio.url });
    const attempts: OutgoingSms[] = [
      { ...message, to: '5550123456' },
      { ...message, to: `${patientNumber},+15550199999` },
      { ...message, body: '' },
      { ...message, body: 'x'.repeat(481) },
      { ...message, category: 'Visit with Dr. Smith' },
    ];
    for (const attempt of attempts) {
      const error = await failureOf(sms.send(attempt));
      expect(error).toMatchObject({ code: 'invalid-message' });
      expect(printed(error)).not.toContain('5550123456');
      expect(printed(error)).not.toContain('Dr. Smith');
    }
    expect(twilio.received).toEqual([]);
  });

  it('refuses to send after close(), letting sends under way finish', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const twilio = await fakeTwilio((req, res) => {
      if (req.form.Body !== 'slow') return false;
      void held.then(() => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ sid: `SM${'b'.repeat(32)}`, status: 'queued' }));
      });
      return true;
    });
    const sms = sender({ apiUrl: twilio.url });
    const slow = sms.send({ ...message, body: 'slow' });
    await expect.poll(() => twilio.received.length).toBe(1);
    const closing = sms.close();
    await expect(sms.send(message)).rejects.toMatchObject({ code: 'closed' });
    release();
    await expect(slow).resolves.toBeUndefined();
    await closing;
    expect(twilio.received).toHaveLength(1);
  });

  it('refuses bad settings without repeating the auth token', () => {
    const secretToken = 'hunter2-twilio-secret';
    const attempts: Partial<TwilioSmsOptions>[] = [
      { accountSid: 'AC123' },
      { accountSid: `SK${'0'.repeat(32)}` },
      { authToken: '' },
      { from: '5550100100' },
      { from: 'OpenVisit' },
      { apiUrl: 'ftp://api.twilio.com' },
      { apiUrl: 'not a url' },
    ];
    for (const attempt of attempts) {
      let error: unknown;
      try {
        createTwilioSms({ accountSid, authToken: secretToken, from: clinicNumber, ...attempt });
      } catch (err) {
        error = err;
      }
      expect(error, JSON.stringify(attempt)).toBeInstanceOf(SmsError);
      expect((error as SmsError).code).toBe('invalid-config');
      expect(printed(error)).not.toContain(secretToken);
    }
  });

  it('is what createSms returns when Twilio is configured', async () => {
    const twilio = await fakeTwilio();
    // No database is touched on this path.
    const viaFactory = createSms({
      twilio: { accountSid, authToken, from: clinicNumber, apiUrl: twilio.url },
      db: undefined as never,
    });
    cleanups.push(() => viaFactory.close());
    expect(viaFactory.kind).toBe('twilio');
    await viaFactory.send(message);
    expect(twilio.received[0]!.form.To).toBe(patientNumber);
  });
});
