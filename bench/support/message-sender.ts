import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

/**
 * Sends the fan-out benchmark's HTTP requests from a worker thread. In the main thread a
 * POST's answer would wait behind the thousands of socket frames its own message caused,
 * and its start could be late behind the previous message's: its own event loop times it
 * as the server answers it. Times are absolute (`performance.timeOrigin + now()`, the same
 * clock in every thread of the process) so they compare with the sockets' arrival times.
 */

export interface SentRequest {
  status: number;
  /** The answer's body when it was not the expected status (for the error message). */
  text: string;
  startedAt: number;
  endedAt: number;
}

/** The same absolute, high-resolution clock in every thread. */
export const absoluteNow = () => performance.timeOrigin + performance.now();

const workerCode = `
const { parentPort } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const now = () => performance.timeOrigin + performance.now();
parentPort.on('message', async ({ url, headers, body, expect }) => {
  const startedAt = now();
  try {
    const response = await fetch(url, {
      method: 'POST', headers, body, signal: AbortSignal.timeout(30000),
    });
    const text = await response.text();
    const endedAt = now();
    parentPort.postMessage({
      status: response.status, text: response.status === expect ? '' : text, startedAt, endedAt,
    });
  } catch (err) {
    parentPort.postMessage({ status: 0, text: String((err && err.message) || err), startedAt, endedAt: now() });
  }
});
`;

export function startMessageSender() {
  const worker = new Worker(workerCode, { eval: true });
  let waiting: ((answer: SentRequest) => void) | undefined;
  let failed: ((err: Error) => void) | undefined;
  worker.on('message', (answer: SentRequest) => waiting?.(answer));
  worker.on('error', (err) => failed?.(err));
  return {
    /** POSTs one request (one at a time) and answers its status and timing. */
    post(url: string, headers: Record<string, string>, body: unknown, expect = 201) {
      if (waiting) throw new Error('one request at a time');
      return new Promise<SentRequest>((resolve, reject) => {
        // The worker gives up on the request itself after 30 s; this is its backstop.
        const timer = setTimeout(() => finish(), 40_000);
        const finish = (answer?: SentRequest, err?: Error) => {
          clearTimeout(timer);
          waiting = failed = undefined;
          if (answer) resolve(answer);
          else reject(err ?? new Error('the sender thread did not answer in 40 s'));
        };
        waiting = (answer) => finish(answer);
        failed = (err) => finish(undefined, err);
        worker.postMessage({ url, headers, body: JSON.stringify(body), expect });
      });
    },
    stop: () => worker.terminate(),
  };
}
