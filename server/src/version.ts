import { readFileSync } from 'node:fs';

const packageJson = new URL('../package.json', import.meta.url);
// eslint-disable-next-line security/detect-non-literal-fs-filename -- our own package.json
const raw = readFileSync(packageJson, 'utf8');

/** The server package's version, read once; shown in /api/info and the OpenAPI document. */
export const version: string = (JSON.parse(raw) as { version: string }).version;
