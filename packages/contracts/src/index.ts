export * from './problem.js';
export * from './health.js';
export * from './clinics.js';
export * from './identity.js';
export * from './care.js';
export * from './audit.js';
