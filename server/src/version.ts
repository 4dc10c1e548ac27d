import { readFileSync } from 'node:fs';

/** The server package's version, read once; shown in /api/info and the OpenAPI document. */
export const version: string =
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- our own package.json
  (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;
