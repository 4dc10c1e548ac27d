import { defineConfig } from 'drizzle-kit';
import { columnCasing } from './src/db/casing.js';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './src/db/migrations',
  casing: columnCasing,
  strict: true,
  verbose: true,
});
