import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  IDLE_TIMEOUT_PATIENT_S,
  IDLE_TIMEOUT_STAFF_S,
  type IdleTimeouts,
} from './modules/identity/session-service.js';
import { parseKeyRing, type KeyRingEntry } from './platform/crypto/field-cipher.js';
import type { StorageConfig } from './platform/storage/object-storage.js';
import { DEFAULT_TURN_CREDENTIAL_TTL_S, type IceConfig } from './platform/turn/turn-credentials.js';

const serverRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** `a, b,,c` → ['a', 'b', 'c']; unset is an empty list. */
const commaList = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  );

// RFC 7064/7065 URIs as RTCIceServer.urls takes them: host or [IPv6], optional port. The
// lint rule counts the bounded port digits inside `?` as nesting; matching stays linear.
// eslint-disable-next-line security/detect-unsafe-regex
const STUN_URL = /^stuns?:(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/;
const TURN_URL =
  // eslint-disable-next-line security/detect-unsafe-regex
  /^turns?:(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?(?:\?transport=(?:udp|tcp))?$/;

const postgresUrl = z
  .url()
  .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must be a postgres:// or postgresql:// URL');

// Clinics may end idle sessions sooner than the HIPAA defaults, never later. Below 60 seconds
// is only for tests (a browser test waits for the real timeout); production refuses it.
const idleSeconds = (limit: number, who: string) =>
  z.coerce
    .number()
    .int()
    .min(5, 'must be at least 5 seconds')
    .max(limit, `must be at most ${limit} seconds, the limit for ${who}; shorter is allowed`)
    .default(limit);
const PRODUCTION_MIN_IDLE_S = 60;

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: postgresUrl.optional(),
  MIGRATION_DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(12),
  MIGRATE_ON_START: booleanString.default(true),
  REDIS_URL: z
    .url()
    .refine((u) => /^rediss?:\/\//.test(u), 'must be a redis:// or rediss:// URL')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CORS_ORIGINS: commaList.pipe(z.array(z.url())),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx) => {
      if (v === 'true') return true as const;
      if (v === 'false') return false as const;
      const hops = Number(v);
      if (Number.isInteger(hops) && hops >= 0) return hops;
      ctx.addIssue({ code: 'custom', message: 'must be true, false or a hop count' });
      return z.NEVER;
    }),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(300),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  DEMO_SEED: booleanString.optional(),
  WEB_DIST_DIR: z.string().default(path.join(serverRoot, '..', 'web', 'dist')),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  PUBLIC_URL: z
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL')
    .optional(),
  APPOINTMENT_REMINDERS: z
    .string()
    .default('24h,1h')
    .transform((v, ctx) => {
      const offsets = parseReminderOffsets(v);
      if (!offsets) {
        ctx.addIssue({
          code: 'custom',
          message:
            'must list durations before the visit such as 24h,1h or 90m (at most 4, up to 14 days)',
        });
        return z.NEVER;
      }
      return offsets;
    }),
  JOBS_POLLING_INTERVAL_S: z.coerce.number().min(0.5).max(60).default(2),
  SMTP_URL: z
    .url()
    .refine((u) => /^smtps?:\/\//.test(u), 'must be an smtp:// or smtps:// URL')
    .optional(),
  DATA_ENCRYPTION_KEYS: z.string().min(1).optional(),
  DATA_ENCRYPTION_KEYS_FILE: z.string().min(1).optional(),
  MAIL_FROM: z
    .string()
    .refine(
      (v) => !/[\r\n]/.test(v) && /^(?:[^<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(v),
      'must be an address, optionally with a name: Name <addr@host>',
    )
    .default('OpenVisit <no-reply@openvisit.invalid>'),
  SESSION_IDLE_TIMEOUT_STAFF_S: idleSeconds(IDLE_TIMEOUT_STAFF_S, 'providers, staff and admins'),
  SESSION_IDLE_TIMEOUT_PATIENT_S: idleSeconds(IDLE_TIMEOUT_PATIENT_S, 'patients'),
  AUDIT_ANCHOR_DIR: z.string().min(1).optional(),
  AUDIT_ANCHOR_INTERVAL_S: z.coerce.number().int().min(1).max(86_400).default(300),
  STORAGE_BACKEND: z.enum(['local', 's3']).default('local'),
  STORAGE_DIR: z.string().min(1).optional(),
  S3_ENDPOINT: z
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL')
    .optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: booleanString.default(false),
  DOCUMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(20 * 1024 * 1024),
  // Texting through Twilio (platform/sms): all three or none (texts stay in sms_outbox).
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits')
    .optional(),
  TWILIO_AUTH_TOKEN: z
    .string()
    .regex(/^\S{16,}$/, "must be the account's auth token (16+ characters, no spaces)")
    .optional(),
  TWILIO_FROM: z
    .string()
    .regex(
      /^(?:\+[1-9]\d{7,14}|MG[0-9a-fA-F]{32})$/,
      'must be a number in E.164 form (+15551234567) or a Messaging Service SID (MG…)',
    )
    .optional(),
  TWILIO_API_URL: z
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL')
    .optional(),
  // Video (platform/turn): the ICE servers browsers get; TURN_URLS needs TURN_SECRET.
  STUN_URLS: commaList.pipe(
    z.array(
      z
        .string()
        .regex(STUN_URL, 'must be stun: or stuns: URLs such as stun:turn.clinic.example:3478'),
    ),
  ),
  TURN_URLS: commaList.pipe(
    z.array(
      z
        .string()
        .regex(
          TURN_URL,
          'must be turn: or turns: URLs such as turns:turn.clinic.example:443?transport=tcp',
        ),
    ),
  ),
  // Every patient receives an HMAC of this secret: a short one could be guessed offline from
  // any credential, and then TURN credentials forged for ever.
  TURN_SECRET: z
    .string()
    .regex(/^\S{32,}$/, "must be coturn's static-auth-secret: 32+ random characters, no spaces")
    .optional(),
  TURN_CREDENTIAL_TTL_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(86_400)
    .default(DEFAULT_TURN_CREDENTIAL_TTL_S),
  // `relay`: browsers use TURN only, so neither side learns the other's address.
  ICE_TRANSPORT_POLICY: z.enum(['all', 'relay']).default('all'),
});

const TWILIO_TOGETHER = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const;

/**
 * The key ring may come from a file instead of the environment: a mounted Kubernetes or
 * Docker secret, or one a secrets manager's agent (Vault Agent, AWS Secrets Manager CSI)
 * renders, so the keys never sit in the process environment or the deployment manifest.
 */
function keyRingFromFile(source: NodeJS.ProcessEnv, problems: string[]): NodeJS.ProcessEnv {
  const file = source.DATA_ENCRYPTION_KEYS_FILE;
  if (!file) return source;
  if (source.DATA_ENCRYPTION_KEYS) {
    problems.push('DATA_ENCRYPTION_KEYS_FILE: set it or DATA_ENCRYPTION_KEYS, not both');
    return source;
  }
  try {
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- the operator's secret file
    const ring = readFileSync(file, 'utf8').trim();
    return { ...source, DATA_ENCRYPTION_KEYS: ring };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    problems.push(`DATA_ENCRYPTION_KEYS_FILE: cannot read the key ring file (${code})`);
    return source;
  }
}

/** Every environment variable the server reads; .env.example documents each (tested). */
export const configVariables = Object.keys(envSchema.shape);

/** Rules across variables, checked on the raw values so they are reported with the rest. */
function crossChecks(source: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  if (source.NODE_ENV === 'production' && !source.METRICS_TOKEN && !source.METRICS_PORT) {
    problems.push(
      'METRICS_TOKEN: production needs METRICS_TOKEN or METRICS_PORT so /metrics is not public',
    );
  }
  if (source.DATA_ENCRYPTION_KEYS) {
    try {
      parseKeyRing(source.DATA_ENCRYPTION_KEYS);
    } catch (err) {
      problems.push(`DATA_ENCRYPTION_KEYS: ${(err as Error).message}`);
    }
  } else if (source.NODE_ENV === 'production') {
    problems.push(
      'DATA_ENCRYPTION_KEYS: production needs its own key ring (id:base64 of 32 bytes)',
    );
  }
  if (source.NODE_ENV === 'production' && !source.SMTP_URL) {
    problems.push(
      'SMTP_URL: production needs a mail server; the database outbox is for development',
    );
  }
  if (source.NODE_ENV === 'production' && !source.PUBLIC_URL) {
    problems.push('PUBLIC_URL: production needs the public address used in emailed links');
  }
  for (const name of ['SESSION_IDLE_TIMEOUT_STAFF_S', 'SESSION_IDLE_TIMEOUT_PATIENT_S'] as const) {
    const seconds = Number(source[name]);
    if (source.NODE_ENV === 'production' && seconds < PRODUCTION_MIN_IDLE_S) {
      problems.push(
        `${name}: production needs at least ${PRODUCTION_MIN_IDLE_S} seconds; shorter limits are for tests`,
      );
    }
  }
  if (source.STORAGE_BACKEND === 's3' && !source.S3_BUCKET) {
    problems.push('S3_BUCKET: STORAGE_BACKEND=s3 needs the bucket that holds documents');
  }
  if (!source.S3_ACCESS_KEY_ID !== !source.S3_SECRET_ACCESS_KEY) {
    problems.push(
      'S3_ACCESS_KEY_ID: set it together with S3_SECRET_ACCESS_KEY (or neither, for the default AWS credential chain)',
    );
  }
  if (source.MIGRATION_DATABASE_URL && !source.DATABASE_URL) {
    problems.push('MIGRATION_DATABASE_URL: only meaningful together with DATABASE_URL');
  }
  const twilioSet = TWILIO_TOGETHER.filter((name) => source[name]);
  if (twilioSet.length > 0) {
    for (const name of TWILIO_TOGETHER.filter((n) => !source[n])) {
      problems.push(
        `${name}: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM together (or none, to keep texts in the development outbox)`,
      );
    }
  } else if (source.TWILIO_API_URL) {
    problems.push('TWILIO_API_URL: only meaningful together with the other TWILIO_ variables');
  }
  if (source.TURN_URLS && !source.TURN_SECRET) {
    problems.push(
      "TURN_SECRET: TURN_URLS needs the shared secret (coturn's static-auth-secret) to sign credentials",
    );
  } else if (source.TURN_SECRET && !source.TURN_URLS) {
    problems.push('TURN_SECRET: only meaningful together with TURN_URLS');
  }
  if (source.ICE_TRANSPORT_POLICY === 'relay' && !source.TURN_URLS) {
    problems.push('ICE_TRANSPORT_POLICY: relay needs a TURN server (TURN_URLS and TURN_SECRET)');
  }
  return problems;
}

/** `migrate` applies pending migrations and exits (a deploy step, e.g. a Kubernetes Job). */
export type Role = 'all' | 'api' | 'worker' | 'migrate';
const roles: readonly string[] = ['all', 'api', 'worker', 'migrate'];

export interface Config {
  env: 'development' | 'production' | 'test';
  role: Role;
  host: string;
  port: number;
  database:
    | { kind: 'embedded'; dataDir: string }
    | { kind: 'postgresql'; url: string; migrationUrl: string; poolMax: number };
  migrateOnStart: boolean;
  redisUrl: string | undefined;
  logLevel: string;
  corsOrigins: string[];
  trustProxy: boolean | number;
  metrics: { token: string | undefined; port: number | undefined };
  rateLimit: { max: number; windowMs: number };
  bodyLimitBytes: number;
  demoSeed: boolean;
  webDistDir: string;
  shutdownTimeoutMs: number;
  /** Base of links in emails, e.g. https://visit.clinic.example (no trailing slash). */
  publicUrl: string;
  mail: { smtpUrl: string | undefined; from: string };
  /** Minutes before a visit that reminders go out, longest first (APPOINTMENT_REMINDERS). */
  appointmentReminders: number[];
  /** How often an idle job worker looks for due jobs. */
  jobs: { pollingIntervalSeconds: number };
  /** Key ring for field-level encryption: `id:base64(32 bytes)`, newest first. */
  dataEncryptionKeys: KeyRingEntry[];
  /** How long a session may sit unused before it ends (HIPAA automatic logoff). */
  idleTimeouts: IdleTimeouts;
  /** Where the audit chain's head is anchored outside the database, and how often. */
  audit: { anchorDir: string; anchorIntervalMs: number };
  /** Where uploaded documents' bytes live (platform/storage). */
  storage: StorageConfig;
  /** Largest document a person may upload, in bytes. */
  documents: { maxBytes: number };
  /** Twilio when configured (all of TWILIO_ACCOUNT_SID, _AUTH_TOKEN, _FROM); else the outbox. */
  sms: {
    twilio: { accountSid: string; authToken: string; from: string; apiUrl: string } | undefined;
  };
  /** STUN and TURN servers for video visits; TURN credentials are signed per request. */
  ice: IceConfig;
}

// Development and tests only: production refuses to start without its own keys.
export const DEVELOPMENT_KEY_RING = 'dev:b3BlbnZpc2l0LWRldmVsb3BtZW50LW9ubHkta2V5ISE=';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `24h,1h` → [1440, 60]: distinct, longest first; undefined when malformed. */
export function parseReminderOffsets(value: string): number[] | undefined {
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (!parts.length || parts.length > 4) return undefined;
  const minutes: number[] = [];
  for (const part of parts) {
    const match = /^(\d{1,5})(m|h)$/.exec(part);
    if (!match) return undefined;
    const value = Number(match[1]) * (match[2] === 'h' ? 60 : 1);
    if (value < 5 || value > 14 * 24 * 60) return undefined;
    minutes.push(value);
  }
  return [...new Set(minutes)].sort((a, b) => b - a);
}

export function parseRole(argv: readonly string[]): string {
  const flag = argv.find((a) => a.startsWith('--role='));
  return flag ? flag.slice('--role='.length) : 'all';
}

/**
 * Reads the whole configuration from the environment. Every problem is collected so an
 * operator fixes them in one go instead of one restart per mistake.
 */
export function loadConfig(
  source: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv,
): Config {
  // `VAR=` (as env files and compose pass an unset value) means "use the default".
  source = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const problems: string[] = [];
  source = keyRingFromFile(source, problems);
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path.join('.') || 'environment';
      problems.push(`${name}: ${issue.message}`);
    }
  }
  problems.push(...crossChecks(source));
  const role = parseRole(argv);
  if (!roles.includes(role)) {
    problems.push(`--role: must be all, api, worker or migrate (got "${role}")`);
  }
  if (parsed.success && !parsed.data.DATABASE_URL && (role === 'api' || role === 'worker')) {
    problems.push(
      `--role=${role}: the embedded database serves one process only; set DATABASE_URL to split roles`,
    );
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);

  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    role: role as Role,
    host: env.HOST,
    port: env.PORT,
    database: env.DATABASE_URL
      ? {
          kind: 'postgresql',
          url: env.DATABASE_URL,
          migrationUrl: env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL,
          poolMax: env.DB_POOL_MAX,
        }
      : { kind: 'embedded', dataDir: path.resolve(env.DATA_DIR) },
    migrateOnStart: env.MIGRATE_ON_START,
    redisUrl: env.REDIS_URL,
    logLevel: env.LOG_LEVEL,
    corsOrigins: env.CORS_ORIGINS,
    trustProxy: env.TRUST_PROXY,
    metrics: { token: env.METRICS_TOKEN, port: env.METRICS_PORT },
    rateLimit: { max: env.RATE_LIMIT_MAX, windowMs: env.RATE_LIMIT_WINDOW_MS },
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    // Demo accounts (with a published password) only on a development laptop's embedded
    // database, never by default on a PostgreSQL server that may hold real patients.
    demoSeed: env.DEMO_SEED ?? (env.NODE_ENV === 'development' && !env.DATABASE_URL),
    webDistDir: path.resolve(env.WEB_DIST_DIR),
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM },
    appointmentReminders: env.APPOINTMENT_REMINDERS,
    jobs: { pollingIntervalSeconds: env.JOBS_POLLING_INTERVAL_S },
    dataEncryptionKeys: parseKeyRing(env.DATA_ENCRYPTION_KEYS ?? DEVELOPMENT_KEY_RING),
    idleTimeouts: {
      staffSeconds: env.SESSION_IDLE_TIMEOUT_STAFF_S,
      patientSeconds: env.SESSION_IDLE_TIMEOUT_PATIENT_S,
    },
    audit: {
      anchorDir: path.resolve(env.AUDIT_ANCHOR_DIR ?? path.join(env.DATA_DIR, 'audit-anchors')),
      anchorIntervalMs: env.AUDIT_ANCHOR_INTERVAL_S * 1000,
    },
    storage:
      env.STORAGE_BACKEND === 's3'
        ? {
            backend: 's3',
            endpoint: env.S3_ENDPOINT,
            region: env.S3_REGION,
            bucket: env.S3_BUCKET!,
            credentials:
              env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
                ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
                : undefined,
            forcePathStyle: env.S3_FORCE_PATH_STYLE,
          }
        : {
            backend: 'local',
            dir: path.resolve(env.STORAGE_DIR ?? path.join(env.DATA_DIR, 'documents')),
          },
    documents: { maxBytes: env.DOCUMENT_MAX_BYTES },
    sms: {
      twilio:
        env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM
          ? {
              accountSid: env.TWILIO_ACCOUNT_SID,
              authToken: env.TWILIO_AUTH_TOKEN,
              from: env.TWILIO_FROM,
              apiUrl: (env.TWILIO_API_URL ?? 'https://api.twilio.com').replace(/\/+$/, ''),
            }
          : undefined,
    },
    ice: {
      stunUrls: env.STUN_URLS,
      transportPolicy: env.ICE_TRANSPORT_POLICY,
      turn:
        env.TURN_URLS.length && env.TURN_SECRET
          ? {
              urls: env.TURN_URLS,
              secret: env.TURN_SECRET,
              credentialTtlSeconds: env.TURN_CREDENTIAL_TTL_S,
            }
          : undefined,
    },
  };
}
