import type { Anchor, AnchorStore } from './anchor-store.js';
import type { AuditWriter } from './audit-writer.js';

/**
 * Writes the chain head to the anchor store every `intervalMs` when it moved, and once more
 * at shutdown. Between anchors the newest entries are protected by the chain alone, so
 * the interval bounds how much a database superuser could rewrite undetected.
 */
export function startAnchoring(
  writer: AuditWriter,
  store: AnchorStore,
  intervalMs: number,
  log: { error: (obj: object, msg: string) => void },
  now: () => Date = () => new Date(),
) {
  let lastSeq = -1;
  let running: Promise<Anchor | undefined> | undefined;

  async function anchor(): Promise<Anchor | undefined> {
    const head = await writer.head();
    if (head.seq === lastSeq || head.seq === 0) return undefined;
    const entry = { seq: head.seq, hash: head.hash, at: now().toISOString() };
    await store.append(entry);
    lastSeq = head.seq;
    return entry;
  }
  const anchorOnce = () => {
    running ??= anchor().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = setInterval(() => {
    anchorOnce().catch((err: unknown) => log.error({ err }, 'audit anchor not written'));
  }, intervalMs);
  timer.unref();

  return {
    /** Anchors the current head now (also used by tests and at shutdown). */
    anchorNow: anchorOnce,
    async stop() {
      clearInterval(timer);
      await writer.flush();
      await anchorOnce().catch((err: unknown) => log.error({ err }, 'audit anchor not written'));
    },
  };
}
