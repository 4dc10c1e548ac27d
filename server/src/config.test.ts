import { readFileSync } from 'node:fs';
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

  it('requires the public address and a mail server in production', () => {
    const text = problemsOf({ NODE_ENV: 'production', METRICS_PORT: '9464' }).join('\n');
    expect(text).toContain('PUBLIC_URL');
    expect(text).toContain('SMTP_URL');
    expect(text).toContain('DATA_ENCRYPTION_KEYS');
    expect(problemsOf({ MAIL_FROM: 'x@y.test\r\nBcc: all@evil.test' }).join()).toContain(
      'MAIL_FROM',
    );
  });

  it('refuses split roles on the single-process embedded database', () => {
    expect(problemsOf({}, ['--role=worker']).join()).toContain('DATABASE_URL');
  });
});
