import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Streaming authenticated encryption: AES-256-GCM over 64 KiB segments, each with its own
 * tag (the STREAM construction that age and Tink use). A single GCM tag over a whole file
 * would only be checked after every byte had been handed to the reader; here no byte leaves
 * before its segment is authenticated, and a file cut short or with segments reordered
 * fails, because each nonce carries the segment's number and a last-segment flag.
 *
 * Layout: magic `OVS1` (4) | nonce prefix (7) | segments: ciphertext (<= 64 KiB) + tag (16).
 * Nonce of segment i: prefix (7) | i as uint32 big-endian (4) | 1 if last else 0 (1).
 * The additional data is the header plus the caller's context (the storage key), so a file
 * moved under another key fails to open.
 */
const MAGIC = Buffer.from('OVS1');
const PREFIX_BYTES = 7;
export const HEADER_BYTES = MAGIC.length + PREFIX_BYTES;
export const SEGMENT_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const SEALED_SEGMENT_BYTES = SEGMENT_BYTES + TAG_BYTES;

function nonce(prefix: Buffer, index: number, last: boolean) {
  if (index > 0xffffffff) throw new Error('too many segments');
  const n = Buffer.alloc(12);
  prefix.copy(n, 0);
  n.writeUInt32BE(index, PREFIX_BYTES);
  n[11] = last ? 1 : 0;
  return n;
}

/** Collects chunks and hands out fixed-size pieces without copying more than needed. */
class ChunkQueue {
  private chunks: Buffer[] = [];
  length = 0;
  push(chunk: Buffer) {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
  /** The first `bytes` (at most `length`); copies only the pieces that straddle chunks. */
  take(bytes: number): Buffer {
    const out: Buffer[] = [];
    let need = Math.min(bytes, this.length);
    this.length -= need;
    while (need > 0) {
      const head = this.chunks[0]!;
      if (head.length <= need) {
        out.push(head);
        this.chunks.shift();
        need -= head.length;
      } else {
        out.push(head.subarray(0, need));
        this.chunks[0] = head.subarray(need);
        need = 0;
      }
    }
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }
}

/** Encrypts a stream with `key` (32 bytes); `context` is authenticated, not stored. */
export function sealStream(key: Buffer, context: string): Transform {
  const prefix = randomBytes(PREFIX_BYTES);
  const header = Buffer.concat([MAGIC, prefix]);
  const aad = Buffer.concat([header, Buffer.from(context, 'utf8')]);
  const pending = new ChunkQueue();
  let index = 0;
  let headerSent = false;

  const seal = (plaintext: Buffer, last: boolean) => {
    const cipher = createCipheriv('aes-256-gcm', key, nonce(prefix, index++, last));
    cipher.setAAD(aad);
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  };
  const sendHeader = (stream: Transform) => {
    if (!headerSent) stream.push(header);
    headerSent = true;
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      sendHeader(this);
      pending.push(chunk);
      // Only a segment known not to be the last is sealed now: the last carries a flag.
      while (pending.length > SEGMENT_BYTES) this.push(seal(pending.take(SEGMENT_BYTES), false));
      callback();
    },
    flush(callback: TransformCallback) {
      sendHeader(this);
      this.push(seal(pending.take(pending.length), true));
      callback();
    },
  });
}

/** Decrypts what sealStream wrote; fails (stream error) on any change, cut or reorder. */
export function openStream(key: Buffer, context: string): Transform {
  const pending = new ChunkQueue();
  let prefix: Buffer | undefined;
  let aad: Buffer | undefined;
  let index = 0;

  const open = (sealed: Buffer, last: boolean) => {
    if (sealed.length < TAG_BYTES) throw new Error('sealed file is truncated');
    const body = sealed.subarray(0, sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, nonce(prefix!, index++, last));
    decipher.setAAD(aad!);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body), decipher.final()]);
  };
  const readHeader = () => {
    if (prefix || pending.length < HEADER_BYTES) return;
    const header = pending.take(HEADER_BYTES);
    if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a sealed file');
    prefix = Buffer.from(header.subarray(MAGIC.length));
    aad = Buffer.concat([header, Buffer.from(context, 'utf8')]);
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        pending.push(chunk);
        readHeader();
        if (prefix) {
          while (pending.length > SEALED_SEGMENT_BYTES) {
            this.push(open(pending.take(SEALED_SEGMENT_BYTES), false));
          }
        }
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        readHeader();
        if (!prefix) throw new Error('sealed file is truncated');
        this.push(open(pending.take(pending.length), true));
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
  });
}
