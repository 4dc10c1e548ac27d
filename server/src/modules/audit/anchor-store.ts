import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';

/** A chain head written outside the database: seq n had this hash at this time. */
export interface Anchor {
  seq: number;
  hash: string;
  at: string;
}

/**
 * Where anchors go. The default is an append-only file; a deployment points it at storage
 * the database's administrators cannot rewrite (another host's disk, object storage with
 * object lock), which is what makes a rewrite by a database superuser detectable.
 */
export interface AnchorStore {
  append(anchor: Anchor): Promise<void>;
  list(): Promise<Anchor[]>;
  readonly location: string;
}

/* eslint-disable security/detect-non-literal-fs-filename -- the operator's AUDIT_ANCHOR_DIR */
export function fileAnchorStore(directory: string): AnchorStore {
  const file = path.join(directory, 'audit-anchors.jsonl');
  return {
    location: file,
    async append(anchor) {
      await mkdir(directory, { recursive: true });
      await appendFile(file, `${JSON.stringify(anchor)}\n`, { mode: 0o600 });
      // The anchor is only evidence once it is on disk.
      const handle = await open(file, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    async list() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      return text
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as Anchor);
    },
  };
}
/* eslint-enable security/detect-non-literal-fs-filename */
