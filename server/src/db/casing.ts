/**
 * The one place that maps camelCase TypeScript names to snake_case SQL names. Both the
 * runtime client (db/client.ts) and drizzle-kit (drizzle.config.ts) read it, so the
 * generated migrations and the queries can never disagree.
 */
export const columnCasing = 'snake_case' as const;
