import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configVariables, loadConfig } from './config.js';

const load = (env: Record<string, string>, argv: string[] = []) => loadConfig(env, argv);

function problemsOf(env: Record<string, string>, argv: string[] = []): string[] {
  try {
    load(env, argv);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a configuration error');
}

describe('configuration', () => {
  it('documents every variable in .env.example', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const documented = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect([...configVariables].sort()).toEqual([...new Set(documented)].sort());
  });

  it('starts on the embedded database with safe defaults', () => {
    const config = load({});
    expect(config).toMatchObject({
      env: 'development',
      role: 'all',
      host: '127.0.0.1',
      port: 3000,
      database: { kind: 'embedded', dataDir: path.resolve('./data') },
      migrateOnStart: true,
      demoSeed: true,
      corsOrigins: [],
      trustProxy: false,
    });
  });

  it('reads PostgreSQL, a separate migration role and Redis', () => {
    const config = load(
      {
        DATABASE_URL: 'postgres://openvisit_app@db/openvisit',
        MIGRATION_DATABASE_URL: 'postgres://openvisit_owner@db/openvisit',
        REDIS_URL: 'redis://cache:6379',
        CORS_ORIGINS: 'https://a.test, https://b.test',
        TRUST_PROXY: '1',
      },
      ['--role=api'],
    );
    expect(config.role).toBe('api');
    expect(config.database).toMatchObject({
      kind: 'postgresql',
      url: 'postgres://openvisit_app@db/openvisit',
      migrationUrl: 'postgres://openvisit_owner@db/openvisit',
    });
    expect(config.redisUrl).toBe('redis://cache:6379');
    expect(config.corsOrigins).toEqual(['https://a.test', 'https://b.test']);
    expect(config.trustProxy).toBe(1);
  });

  it('lists every problem at once, naming each variable', () => {
    const problems = problemsOf(
      {
        PORT: 'eighty',
        DATABASE_URL: 'mysql://nope',
        REDIS_URL: 'not a url',
        LOG_LEVEL: 'loud',
        NODE_ENV: 'production',
      },
      ['--role=everything'],
    );
    const text = problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'LOG_LEVEL', '--role']) {
      expect(text).toContain(name);
    }
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });

  it('treats an empty variable as unset', () => {
    const config = load({ REDIS_URL: '', METRICS_PORT: '', DATABASE_URL: '', DEMO_SEED: '' });
    expect(config.redisUrl).toBeUndefined();
    expect(config.database.kind).toBe('embedded');
  });

  it('never seeds demo accounts into PostgreSQL unless asked to', () => {
    expect(load({ DATABASE_URL: 'postgres://app@db/openvisit' }).demoSeed).toBe(false);
    expect(load({ DATABASE_URL: 'postgres://app@db/openvisit', DEMO_SEED: 'true' }).demoSeed).toBe(
      true,
    );
  });

  it('keeps /metrics private in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' }).join()).toContain('METRICS_TOKEN');
    expect(
      load({
        NODE_ENV: 'production',
        METRICS_PORT: '9464',
        PUBLIC_URL: 'https://visit.test',
        SMTP_URL: 'smtps://relay.test',
        DATA_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
      }).demoSeed,
    ).toBe(false);
  });

  it('reads the key ring from a file, never from both places', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ov-keys-'));
    const file = path.join(dir, 'keys');
    const ring = `k9:${Buffer.alloc(32, 9).toString('base64')}`;
    writeFileSync(file, `${ring}\n`, { mode: 0o600 });
    expect(load({ DATA_ENCRYPTION_KEYS_FILE: file }).dataEncryptionKeys[0]!.id).toBe('k9');
    expect(
      problemsOf({ DATA_ENCRYPTION_KEYS_FILE: file, DATA_ENCRYPTION_KEYS: ring }).join(),
    ).toContain('not both');
    expect(problemsOf({ DATA_ENCRYPTION_KEYS_FILE: path.join(dir, 'missing') }).join()).toContain(
      'cannot read the key ring file (ENOENT)',
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('requires the public address and a mail server in production', () => {
    const text = problemsOf({ NODE_ENV: 'production', METRICS_PORT: '9464' }).join('\n');
    expect(text).toContain('PUBLIC_URL');
    expect(text).toContain('SMTP_URL');
    expect(text).toContain('DATA_ENCRYPTION_KEYS');
    expect(problemsOf({ MAIL_FROM: 'x@y.test\r\nBcc: all@evil.test' }).join()).toContain(
      'MAIL_FROM',
    );
  });

  it('ends idle sessions after 15 minutes for clinic roles and 30 for patients by default', () => {
    expect(load({}).idleTimeouts).toEqual({ staffSeconds: 900, patientSeconds: 1800 });
  });

  it('lets a clinic choose shorter idle limits, never longer ones', () => {
    expect(
      load({ SESSION_IDLE_TIMEOUT_STAFF_S: '600', SESSION_IDLE_TIMEOUT_PATIENT_S: '900' })
        .idleTimeouts,
    ).toEqual({ staffSeconds: 600, patientSeconds: 900 });
    const text = problemsOf({
      SESSION_IDLE_TIMEOUT_STAFF_S: '901',
      SESSION_IDLE_TIMEOUT_PATIENT_S: '3600',
    }).join('\n');
    expect(text).toContain('SESSION_IDLE_TIMEOUT_STAFF_S: must be at most 900 seconds');
    expect(text).toContain('SESSION_IDLE_TIMEOUT_PATIENT_S: must be at most 1800 seconds');
    expect(problemsOf({ SESSION_IDLE_TIMEOUT_STAFF_S: '2.5' }).join()).toContain(
      'SESSION_IDLE_TIMEOUT_STAFF_S',
    );
  });

  it('allows idle limits down to 5 seconds for tests, and no shorter than a minute in production', () => {
    expect(load({ SESSION_IDLE_TIMEOUT_STAFF_S: '5' }).idleTimeouts.staffSeconds).toBe(5);
    expect(problemsOf({ SESSION_IDLE_TIMEOUT_PATIENT_S: '4' }).join()).toContain(
      'SESSION_IDLE_TIMEOUT_PATIENT_S: must be at least 5 seconds',
    );
    const production = {
      NODE_ENV: 'production',
      METRICS_PORT: '9464',
      PUBLIC_URL: 'https://visit.test',
      SMTP_URL: 'smtps://relay.test',
      DATA_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    };
    const problems = problemsOf({
      ...production,
      SESSION_IDLE_TIMEOUT_STAFF_S: '59',
      SESSION_IDLE_TIMEOUT_PATIENT_S: '20',
    });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/SESSION_IDLE_TIMEOUT_STAFF_S: .*at least 60 seconds/);
    expect(problems.join('\n')).toMatch(/SESSION_IDLE_TIMEOUT_PATIENT_S: .*at least 60 seconds/);
    expect(
      load({ ...production, SESSION_IDLE_TIMEOUT_STAFF_S: '60' }).idleTimeouts.staffSeconds,
    ).toBe(60);
  });

  it('texts through Twilio only when its account, token and sender are all set', () => {
    const twilio = {
      TWILIO_ACCOUNT_SID: `AC${'0a'.repeat(16)}`,
      TWILIO_AUTH_TOKEN: 'f'.repeat(32),
      TWILIO_FROM: '+15550100100',
    };
    expect(load({}).sms.twilio).toBeUndefined();
    expect(load(twilio).sms.twilio).toEqual({
      accountSid: twilio.TWILIO_ACCOUNT_SID,
      authToken: twilio.TWILIO_AUTH_TOKEN,
      from: '+15550100100',
      apiUrl: 'https://api.twilio.com',
    });
    expect(
      load({
        ...twilio,
        TWILIO_FROM: `MG${'1b'.repeat(16)}`,
        TWILIO_API_URL: 'http://127.0.0.1:9/',
      }).sms.twilio,
    ).toMatchObject({ from: `MG${'1b'.repeat(16)}`, apiUrl: 'http://127.0.0.1:9' });

    const partial = problemsOf({ TWILIO_ACCOUNT_SID: twilio.TWILIO_ACCOUNT_SID });
    expect(partial).toEqual([
      expect.stringMatching(
        /^TWILIO_AUTH_TOKEN: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM together/,
      ),
      expect.stringMatching(/^TWILIO_FROM: set .* together/),
    ]);
    expect(problemsOf({ TWILIO_API_URL: 'https://api.twilio.com' }).join()).toContain(
      'TWILIO_API_URL: only meaningful together',
    );
    const bad = problemsOf({
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_AUTH_TOKEN: 'hunter2 secret token',
      TWILIO_FROM: '555-0100',
    }).join('\n');
    for (const name of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM']) {
      expect(bad).toContain(`${name}:`);
    }
    expect(bad).not.toContain('hunter2');
  });

  it('lets ICE_TRANSPORT_POLICY=relay hide addresses only when a TURN server is set', () => {
    expect(problemsOf({ ICE_TRANSPORT_POLICY: 'relay' })).toEqual([
      'ICE_TRANSPORT_POLICY: relay needs a TURN server (TURN_URLS and TURN_SECRET)',
    ]);
    expect(problemsOf({ ICE_TRANSPORT_POLICY: 'sometimes' }).join()).toMatch(
      /ICE_TRANSPORT_POLICY/,
    );
    const relayed = load({
      ICE_TRANSPORT_POLICY: 'relay',
      TURN_URLS: 'turn:turn.clinic.test:3478',
      TURN_SECRET: 'c0ffee'.repeat(8),
    });
    expect(relayed.ice.transportPolicy).toBe('relay');
  });

  it('offers TURN only with its shared secret, and STUN on its own', () => {
    const secret = 'c0ffee'.repeat(8);
    expect(load({}).ice).toEqual({ stunUrls: [], transportPolicy: 'all', turn: undefined });
    expect(load({ STUN_URLS: 'stun:turn.clinic.test:3478' }).ice).toEqual({
      stunUrls: ['stun:turn.clinic.test:3478'],
      transportPolicy: 'all',
      turn: undefined,
    });
    expect(
      load({
        TURN_URLS:
          'turn:turn.clinic.test:3478?transport=udp, turns:turn.clinic.test:443?transport=tcp',
        TURN_SECRET: secret,
      }).ice.turn,
    ).toEqual({
      urls: [
        'turn:turn.clinic.test:3478?transport=udp',
        'turns:turn.clinic.test:443?transport=tcp',
      ],
      secret,
      credentialTtlSeconds: 3600,
    });
    expect(
      load({ TURN_URLS: 'turn:[::1]:3478', TURN_SECRET: secret, TURN_CREDENTIAL_TTL_S: '600' }).ice
        .turn?.credentialTtlSeconds,
    ).toBe(600);

    expect(problemsOf({ TURN_URLS: 'turn:turn.clinic.test' })).toEqual([
      expect.stringMatching(/^TURN_SECRET: TURN_URLS needs the shared secret/),
    ]);
    expect(problemsOf({ TURN_SECRET: secret }).join()).toContain(
      'TURN_SECRET: only meaningful together with TURN_URLS',
    );
    const bad = problemsOf({
      TURN_URLS: 'https://turn.clinic.test',
      TURN_SECRET: 'short-secret-hunter2',
      STUN_URLS: 'turn:turn.clinic.test',
      TURN_CREDENTIAL_TTL_S: '10',
    }).join('\n');
    for (const name of ['TURN_URLS', 'TURN_SECRET', 'STUN_URLS', 'TURN_CREDENTIAL_TTL_S']) {
      expect(bad).toContain(`${name}`);
    }
    expect(bad).not.toContain('hunter2');
  });

  it('refuses split roles on the single-process embedded database', () => {
    expect(problemsOf({}, ['--role=worker']).join()).toContain('DATABASE_URL');
  });
});

describe('appointment reminder offsets', () => {
  it('defaults to 24 hours and 1 hour before, longest first', () => {
    expect(load({}).appointmentReminders).toEqual([1440, 60]);
  });

  it('reads hours and minutes, drops repeats and sorts', () => {
    expect(load({ APPOINTMENT_REMINDERS: '90m, 48h,1h,60m' }).appointmentReminders).toEqual([
      2880, 90, 60,
    ]);
  });

  it('refuses malformed, too many, too short or too long offsets', () => {
    for (const bad of ['tomorrow', '24', '1h,2h,3h,4h,5h', '2m', '15d', '400h']) {
      expect(() => load({ APPOINTMENT_REMINDERS: bad }), bad).toThrow(/APPOINTMENT_REMINDERS/);
    }
  });
});
