import { asc, gt } from 'drizzle-orm';
import type { AppDatabase } from '../../db/client.js';
import { canonicalContent, chainHash, GENESIS_HASH } from './audit-event.js';
import { auditChainHead, auditEvents } from './audit-tables.js';
import type { AnchorStore } from './anchor-store.js';

export interface VerifyResult {
  ok: boolean;
  events: number;
  anchorsChecked: number;
  /** The first entry found wrong, and why. */
  firstBad?: { seq: number; reason: string };
}

const PAGE = 5_000;

/**
 * Walks the whole chain in order, recomputing every hash, then checks it against the
 * anchors written outside the database. Reports the first bad entry:
 * - an edited entry no longer matches its hash (or the next entry's `prev_hash`);
 * - a deleted entry leaves a gap in the sequence;
 * - a rewrite that recomputed every later hash disagrees with an anchor;
 * - deleting the newest entries leaves the chain shorter than an anchor says it was.
 */
export async function verifyChain(db: AppDatabase, anchors: AnchorStore): Promise<VerifyResult> {
  const hashes = new Map<number, string>();
  const anchorList = await anchors.list();
  const wanted = new Set(anchorList.map((a) => a.seq));
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  const fail = (seq: number, reason: string): VerifyResult => ({
    ok: false,
    events: count,
    anchorsChecked: 0,
    firstBad: { seq, reason },
  });

  for (let after = 0; ;) {
    const page = await db
      .select()
      .from(auditEvents)
      .where(gt(auditEvents.seq, after))
      .orderBy(asc(auditEvents.seq))
      .limit(PAGE);
    if (!page.length) break;
    for (const row of page) {
      if (row.seq !== expectedSeq) {
        return fail(expectedSeq, `entry ${expectedSeq} is missing (the next is ${row.seq})`);
      }
      if (row.prevHash !== prevHash) {
        return fail(row.seq, `entry ${row.seq} does not follow entry ${row.seq - 1}`);
      }
      const content = canonicalContent(row);
      if (chainHash(prevHash, content) !== row.hash) {
        return fail(
          row.seq,
          `entry ${row.seq} was altered (its content no longer matches its hash)`,
        );
      }
      if (wanted.has(row.seq)) hashes.set(row.seq, row.hash);
      prevHash = row.hash;
      expectedSeq += 1;
      count += 1;
    }
    after = page[page.length - 1]!.seq;
  }

  const last = expectedSeq - 1;
  for (const anchor of [...anchorList].sort((a, b) => a.seq - b.seq)) {
    if (anchor.seq === 0) continue;
    if (anchor.seq > last) {
      return fail(
        last + 1,
        `entries ${last + 1} to ${anchor.seq} are missing: an anchor written ${anchor.at} recorded entry ${anchor.seq}`,
      );
    }
    if (hashes.get(anchor.seq) !== anchor.hash) {
      return fail(
        anchor.seq,
        `entry ${anchor.seq} differs from the anchor written ${anchor.at}: the chain was rewritten`,
      );
    }
  }
  const [head] = await db.select().from(auditChainHead);
  if (head && head.seq !== last) {
    return fail(
      Math.min(head.seq, last) + 1,
      `the chain head says ${head.seq} entries, found ${last}`,
    );
  }
  return { ok: true, events: count, anchorsChecked: anchorList.length };
}
