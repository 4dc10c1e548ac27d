import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';
import { elfBytes, makePng, multipartBody } from './documents-test-kit.js';

const MAX_BYTES = 128 * 1024;

/**
 * Over a real socket: a refused upload must reach the client as its 413/415 answer (the
 * server reads the rest and drops it), not as a reset connection mid-upload, and the
 * connection stays usable.
 */
describe('refusing uploads over HTTP', () => {
  let t: TestApp;
  let storageDir = '';
  let port = 0;
  beforeAll(async () => {
    storageDir = await mkdtemp(path.join(tmpdir(), 'ov-upload-http-'));
    t = await buildTestApp({
      env: { DOCUMENT_MAX_BYTES: String(MAX_BYTES), STORAGE_DIR: storageDir },
    });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  /** Sends the body in small pieces without a Content-Length (chunked), as a stream would. */
  function post(
    agent: http.Agent,
    url: string,
    cookie: string,
    body: { payload: Buffer; headers: Record<string, string> },
  ) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          path: url,
          method: 'POST',
          agent,
          headers: {
            ...sameOrigin,
            origin: `http://127.0.0.1:${port}`,
            cookie,
            ...body.headers,
            'transfer-encoding': 'chunked',
          },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        },
      );
      request.on('error', reject);
      let at = 0;
      const writeMore = () => {
        while (at < body.payload.length) {
          const piece = body.payload.subarray(at, at + 16 * 1024);
          at += piece.length;
          if (!request.write(piece)) return void request.once('drain', writeMore);
        }
        request.end();
      };
      writeMore();
    });
  }

  it('answers 413 and 415 to the client, then serves the same connection again', async () => {
    const db = t.testDatabase.database.db;
    const clinic = await makeClinic(db);
    const patient = await makePerson(db, clinic.id, 'patient');
    const { cookie } = await signedInCookie(t, patient.id);
    const url = `/api/clinics/${clinic.id}/patients/${patient.id}/documents`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const png = makePng();
      const oversize = multipartBody(
        { category: 'imaging' },
        { name: 'big.png', bytes: Buffer.concat([png, randomBytes(MAX_BYTES * 3)]) },
      );
      const tooLarge = await post(agent, url, cookie, oversize);
      expect(tooLarge.status).toBe(413);
      expect(JSON.parse(tooLarge.body)).toMatchObject({ type: '/problems/payload-too-large' });

      const program = multipartBody(
        { category: 'lab-result' },
        { name: 'report.pdf', bytes: Buffer.concat([elfBytes(), randomBytes(MAX_BYTES / 2)]) },
      );
      const refused = await post(agent, url, cookie, program);
      expect(refused.status).toBe(415);

      const fine = await post(
        agent,
        url,
        cookie,
        multipartBody({ category: 'imaging' }, { name: 'ok.png', bytes: png }),
      );
      expect(fine.status, fine.body).toBe(201);
    } finally {
      agent.destroy();
    }
  });
});
