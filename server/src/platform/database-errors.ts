/**
 * Database errors carry patient data in places a log or a client must never see: drizzle
 * puts every query parameter in its message ("params: maria@…"), and PostgreSQL puts row
 * values in `detail` and often in the message itself ('invalid input syntax for type
 * uuid: "…"'). These helpers keep only what diagnoses the fault: the SQL state, the
 * constraint, table and column names, and the query text with its placeholders.
 */

interface PgLikeError {
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  routine?: unknown;
}

export interface DatabaseFault {
  sqlState?: string;
  constraint?: string;
  table?: string;
  column?: string;
  routine?: string;
}

const str = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

/** The driver error under a drizzle wrapper (or the error itself), if it came from the database. */
function driverError(err: unknown): (Error & PgLikeError) | undefined {
  if (!(err instanceof Error)) return undefined;
  const cause = (err as { cause?: unknown }).cause;
  if (isDrizzleQueryError(err)) return cause instanceof Error ? cause : undefined;
  return 'severity' in err || 'routine' in err ? err : undefined;
}

function isDrizzleQueryError(err: Error): err is Error & { query: string; params: unknown } {
  return typeof (err as { query?: unknown }).query === 'string' && 'params' in err;
}

export function databaseFault(err: unknown): DatabaseFault | undefined {
  const driver = driverError(err);
  if (!driver && !(err instanceof Error && isDrizzleQueryError(err))) return undefined;
  return {
    sqlState: str(driver?.code),
    constraint: str(driver?.constraint),
    table: str(driver?.table),
    column: str(driver?.column),
    routine: str(driver?.routine),
  };
}

// Connection-level failures: the database is unreachable or went away mid-query.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
  '53300', // too_many_connections
]);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'PGlite is closed',
];

/** True when the error means "the database cannot be reached right now" (→ 503, retry). */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (UNAVAILABLE_MESSAGES.some((m) => e instanceof Error && e.message.includes(m))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** A message and stack safe to log: no query parameters, no values from the database. */
export function loggableError(err: Error): { message: string; stack: string } {
  let message = err.message;
  if (isDrizzleQueryError(err)) message = `Failed query: ${err.query}`;
  else if (driverError(err)) message = 'database error';
  // The first stack line repeats the message; keep only the frames after it.
  const frames = (err.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return { message, stack: [`${err.name}: ${message}`, ...frames].join('\n') };
}
