export * from './organizations.js';
export * from './users.js';
export * from './memberships.js';
export * from './sessions.js';
export * from './user-tokens.js';
export * from './mail-outbox.js';
export * from './mfa.js';
export * from './care.js';
