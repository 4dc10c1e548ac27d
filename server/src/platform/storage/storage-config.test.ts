import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';

const load = (env: Record<string, string>) => loadConfig(env, ['node', 'main.js']);

describe('storage configuration', () => {
  it('defaults to encrypted files under DATA_DIR and a 20 MiB limit', () => {
    expect(load({ DATA_DIR: '/srv/ov' })).toMatchObject({
      storage: { backend: 'local', dir: path.resolve('/srv/ov/documents') },
      documents: { maxBytes: 20_971_520 },
    });
    expect(load({ STORAGE_DIR: '/mnt/docs' }).storage).toEqual({
      backend: 'local',
      dir: path.resolve('/mnt/docs'),
    });
  });

  it('reads the S3 settings, with the default credential chain when no keys are given', () => {
    const config = load({
      STORAGE_BACKEND: 's3',
      S3_BUCKET: 'clinic-docs',
      S3_ENDPOINT: 'http://minio:9000',
      S3_FORCE_PATH_STYLE: 'true',
    });
    expect(config.storage).toEqual({
      backend: 's3',
      endpoint: 'http://minio:9000',
      region: 'us-east-1',
      bucket: 'clinic-docs',
      credentials: undefined,
      forcePathStyle: true,
    });
  });

  it('lists every storage mistake at once', () => {
    let error: unknown;
    try {
      load({
        STORAGE_BACKEND: 's3',
        S3_ACCESS_KEY_ID: 'only-half',
        S3_ENDPOINT: 'ftp://nope',
        DOCUMENT_MAX_BYTES: '10',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('S3_BUCKET');
    expect(problems).toContain('S3_ACCESS_KEY_ID');
    expect(problems).toContain('S3_ENDPOINT');
    expect(problems).toContain('DOCUMENT_MAX_BYTES');
  });
});
