import { Counter, Histogram, type Registry } from 'prom-client';

/** What operators watch: events written, batch sizes (group commit at work), failures. */
export function auditMetrics(registry: Registry) {
  const written = new Counter({
    name: 'openvisit_audit_events_total',
    help: 'Audit events committed to the hash chain',
    registers: [registry],
  });
  const batches = new Histogram({
    name: 'openvisit_audit_batch_events',
    help: 'Events per audit batch (one transaction and one INSERT each)',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'openvisit_audit_write_failures_total',
    help: 'Audit batches that could not be committed (their requests failed with 503)',
    registers: [registry],
  });
  return {
    onFlush(events: number) {
      written.inc(events);
      batches.observe(events);
    },
    onError() {
      failures.inc();
    },
  };
}
