import Fastify from 'fastify';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './db/client.js';
import { migrateWithOwnerRole } from './db/migrate.js';
import { DEMO_PASSWORD, demoAccounts, seedDemo } from './db/seed.js';
import { errorHandler } from './platform/errors.js';
import { loggerOptions } from './platform/logger.js';
import { metricsRoute } from './platform/metrics.js';
import { createMailer } from './platform/mail/create-mailer.js';
import { createFieldCipher } from './platform/crypto/field-cipher.js';
import { connectRedis, redisConnected } from './platform/redis.js';
import { systemClock } from './platform/clock.js';
import { createJobQueue } from './platform/jobs/job-queue.js';
import { createSms } from './platform/sms/create-sms.js';
import { startAppointmentNoticeWorker } from './modules/notifications/appointment-notice-worker.js';
import { startMessageNoticeWorker } from './modules/notifications/message-notice-worker.js';

/* eslint-disable no-console -- the process entry talks to the operator's terminal */

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${err.message}\nSee .env.example for every variable.`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }

  const bootLog = pino(loggerOptions(config.logLevel));
  const database = await openDatabase(
    config.database.kind === 'embedded'
      ? { kind: 'embedded', dataDir: config.database.dataDir }
      : { kind: 'postgresql', url: config.database.url, poolMax: config.database.poolMax },
    (err) => bootLog.warn({ code: (err as { code?: string }).code }, 'database connection lost'),
  );

  if (config.role === 'migrate') {
    bootLog.info(await migrateWithOwnerRole(config.database, database), 'database migrated');
    await database.close();
    return;
  }
  if (config.migrateOnStart) {
    bootLog.info(
      await migrateWithOwnerRole(config.database, database),
      'database migrations checked',
    );
  }
  if (config.demoSeed) {
    await seedDemo(database.db, createFieldCipher(config.dataEncryptionKeys));
    printDemoAccounts();
  }

  const redis = config.redisUrl ? connectRedis(config.redisUrl, bootLog) : undefined;
  if (redis && !(await redisConnected(redis, 5_000))) {
    bootLog.warn('redis not reachable yet; starting anyway, readiness reports it');
  }
  const mailer = createMailer({
    smtpUrl: config.mail.smtpUrl,
    from: config.mail.from,
    db: database.db,
  });
  const sms = createSms({ twilio: config.sms.twilio, db: database.db });
  // Every role queues notices; only `all` and `worker` run them (and pg-boss maintenance).
  const runsJobs = config.role === 'all' || config.role === 'worker';
  const jobs = await createJobQueue({
    database,
    mode: runsJobs ? 'worker' : 'producer',
    pollingIntervalSeconds: config.jobs.pollingIntervalSeconds,
    onError: (err) => bootLog.error({ err }, 'job queue error'),
  });
  const { app, metrics } = await buildApp({
    config,
    database,
    redis,
    mailer,
    jobs,
    // Sockets for the roles that answer browsers (docs/realtime.md).
    realtimeServer: config.role !== 'worker',
  });
  if (runsJobs) {
    await startAppointmentNoticeWorker({
      db: database.db,
      clock: systemClock,
      jobs,
      mailer,
      sms,
      publicUrl: config.publicUrl,
      mailFrom: config.mail.from,
      reminderOffsets: config.appointmentReminders,
      log: app.log.child({ component: 'jobs' }),
    });
    await startMessageNoticeWorker({
      db: database.db,
      clock: systemClock,
      jobs,
      mailer,
      sms,
      publicUrl: config.publicUrl,
      log: app.log.child({ component: 'jobs' }),
    });
  }

  const metricsApp = config.metrics.port ? Fastify({ logger: false }) : undefined;
  if (metricsApp) {
    metricsApp.setErrorHandler(errorHandler);
    metricsRoute(metricsApp, metrics, config.metrics.token);
    await metricsApp.listen({ host: config.host, port: config.metrics.port! });
  }

  installShutdown(config, async () => {
    await metricsApp?.close();
    await app.close(); // stops accepting, then waits for in-flight requests
    await jobs.stop(config.shutdownTimeoutMs / 2); // running notices finish or are retried
    await mailer.close();
    await sms.close();
    await redis?.quit().catch(() => redis.disconnect());
    await database.close();
  });

  const address = await app.listen({ host: config.host, port: config.port });
  app.log.info({ role: config.role, database: database.kind }, `OpenVisit listening on ${address}`);
  if (config.role !== 'worker' && process.stdout.isTTY) {
    console.log(`\n  OpenVisit is running: http://localhost:${config.port}\n`);
  }
}

function installShutdown(config: Config, close: () => Promise<void>) {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    console.error(`${signal} received: finishing in-flight requests`);
    // Whatever happens, the process is gone before the orchestrator's kill deadline.
    setTimeout(() => {
      console.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('error during shutdown', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

function printDemoAccounts() {
  console.log(
    '\n  Demo clinic seeded. Sign in with any of these (password for all: %s):',
    DEMO_PASSWORD,
  );
  for (const account of demoAccounts) {
    console.log(`    ${account.role.padEnd(8)} ${account.email}`);
  }
  console.log('');
}

main().catch((err: unknown) => {
  console.error('OpenVisit failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
