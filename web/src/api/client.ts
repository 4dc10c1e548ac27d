import { problemSchema, type FieldError, type Problem } from '@openvisit/contracts';

/** Anything with zod's `parse`: the web app reads every response through a contracts schema. */
export interface ResponseSchema<T> {
  parse(data: unknown): T;
}

export interface ApiGetOptions {
  /**
   * Non-2xx statuses whose body is still the documented payload rather than an error, e.g. 503
   * from `/health/ready`, which reports *why* the server is not ready in the same shape.
   */
  dataStatuses?: readonly number[];
  signal?: AbortSignal;
  /** Gives up after this long, so a hung server shows as an error instead of loading forever. */
  timeoutMs?: number;
}

/** The server answered with an RFC 9457 problem (or a bare error status, as `about:blank`). */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.problem = problem;
  }

  get type(): string {
    return this.problem.type;
  }

  get title(): string {
    return this.problem.title;
  }

  get status(): number {
    return this.problem.status;
  }

  get detail(): string | undefined {
    return this.problem.detail;
  }

  /** Field-level messages of a validation problem; empty for every other problem. */
  get fieldErrors(): FieldError[] {
    return this.problem.errors ?? [];
  }

  /** True when the problem's `type` is `/problems/<code>`, e.g. `is('invalid-credentials')`. */
  is(code: string): boolean {
    return this.problem.type === `/problems/${code}`;
  }
}

/** The request never got an answer: server down, network gone, or timed out. */
export class ApiUnreachable extends Error {
  override readonly name = 'ApiUnreachable';
}

/** The server answered, but not with what the contract says (wrong version, proxy page, ...). */
export class ApiUnexpectedResponse extends Error {
  override readonly name = 'ApiUnexpectedResponse';
}

const defaultTimeoutMs = 10_000;

/** An answer from the server, as the idle watcher hears of it: signed in, each is activity. */
export interface ApiAnswer {
  path: string;
  status: number;
  /** The server's `Date` header: how the idle watcher follows the server's clock. */
  serverDate: string | null;
}

const answerListeners = new Set<(answer: ApiAnswer) => void>();

/** Calls `listener` after every answer the server gives; returns the function that stops it. */
export function onApiAnswer(listener: (answer: ApiAnswer) => void): () => void {
  answerListeners.add(listener);
  return () => {
    answerListeners.delete(listener);
  };
}

/** The header the server's CSRF defence requires on every state-changing request. */
export const csrfHeader = 'x-openvisit-request';

export type SendMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiSendOptions {
  signal?: AbortSignal;
  /** Makes a retried write safe: the server answers a repeat with the first result. */
  idempotencyKey?: string;
  /** Gives up after this long; the change may still have happened on the server. */
  timeoutMs?: number;
}

export async function apiGet<T>(
  path: string,
  schema: ResponseSchema<T>,
  options: ApiGetOptions = {},
): Promise<T> {
  const response = await request('GET', path, undefined, options);
  if (!response.ok && !options.dataStatuses?.includes(response.status)) {
    throw new ApiProblem(problemFromStatus(response));
  }
  return readJson('GET', path, response, schema);
}

/**
 * Sends a change (JSON body, if any) with the CSRF header and the session cookie. Without a
 * schema the answer's body is ignored (204 No Content and 202 Accepted routes); with one, the
 * answer is read through it.
 */
export function apiSend(method: SendMethod, path: string, body?: unknown): Promise<void>;
export function apiSend<T>(
  method: SendMethod,
  path: string,
  body: unknown,
  schema: ResponseSchema<T>,
  options?: ApiSendOptions,
): Promise<T>;
export async function apiSend<T>(
  method: SendMethod,
  path: string,
  body?: unknown,
  schema?: ResponseSchema<T>,
  options: ApiSendOptions = {},
): Promise<T | void> {
  const response = await request(method, path, body, options);
  if (!response.ok) throw new ApiProblem(problemFromStatus(response));
  if (!schema) return;
  return readJson(method, path, response, schema);
}

/** Sends one request; a problem+json answer becomes an ApiProblem, any other answer is returned. */
async function request(
  method: 'GET' | SendMethod,
  path: string,
  body: unknown,
  options: ApiSendOptions,
): Promise<Response> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? defaultTimeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') headers[csrfHeader] = '1';
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  // No Content-Type without a body: the server refuses an empty JSON body.
  if (body !== undefined) headers['Content-Type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      signal,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    // A caller's own abort (TanStack Query cancelling a stale request) is not an outage.
    if (options.signal?.aborted) throw error;
    const reason = timeout.aborted ? 'timed out' : 'could not connect';
    throw new ApiUnreachable(`${method} ${path} ${reason}`, { cause: error });
  }
  const answer = { path, status: response.status, serverDate: response.headers.get('date') };
  for (const listener of answerListeners) listener(answer);

  const contentType = response.headers.get('content-type') ?? '';
  if (!response.ok && contentType.includes('application/problem+json')) {
    throw new ApiProblem(await readProblem(response));
  }
  return response;
}

async function readJson<T>(
  method: string,
  path: string,
  response: Response,
  schema: ResponseSchema<T>,
): Promise<T> {
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.includes('application/json')) {
    throw new ApiUnexpectedResponse(
      `${method} ${path} answered ${response.status} with ${contentType || 'no content type'}, not JSON`,
    );
  }

  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new ApiUnexpectedResponse(`${method} ${path} answered with malformed JSON`, {
      cause: error,
    });
  }
  try {
    return schema.parse(body);
  } catch (error) {
    throw new ApiUnexpectedResponse(`${method} ${path} answered in an unexpected shape`, {
      cause: error,
    });
  }
}

async function readProblem(response: Response): Promise<Problem> {
  try {
    const parsed = problemSchema.safeParse(await response.json());
    if (parsed.success) return parsed.data;
  } catch {
    // Fall through: a malformed problem body still tells us the status.
  }
  return problemFromStatus(response);
}

/** RFC 9457 §4.2.1: `about:blank` means "nothing beyond what the HTTP status says". */
function problemFromStatus(response: Response): Problem {
  return {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
  };
}
