import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Content of a file version. Blobs are immutable and content-addressed by sha1 (`filehash`), so identical content is
 * stored once and instant upload can find it. Large generated content is produced on demand block by block instead of
 * being held in memory.
 */
export interface Blob {
  readonly size: number;
  readonly sha1: string;
  /** Bytes [start, end). */
  read(start: number, end: number): Buffer;
  /** True when the whole content is in memory (cheap to read, searchable). */
  readonly inMemory: boolean;
}

export function sha1Hex(data: Uint8Array): string {
  return crypto.createHash('sha1').update(data).digest('hex');
}

export function bufferBlob(data: Buffer): Blob {
  return {
    size: data.length,
    sha1: sha1Hex(data),
    inMemory: true,
    read: (start, end) => data.subarray(start, end),
  };
}

/**
 * Content written to a temporary file as it arrives (an upload's parts), so the emulator's memory stays flat and
 * holding a big upload costs it no garbage collection: what a real upload server does. Where the platform allows,
 * the file is unlinked right after it is opened (it goes with the process); otherwise on discard.
 */
export class SpoolFile {
  private static dir?: string;
  private readonly fd: number;
  private readonly file: string;
  private unlinked = false;
  private closed = false;
  /** A stored blob reads from the file: it stays open. */
  private handedOff = false;

  constructor() {
    SpoolFile.dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'dw-sandbox-spool-'));
    this.file = path.join(SpoolFile.dir, crypto.randomBytes(8).toString('hex'));
    this.fd = fs.openSync(this.file, 'w+');
    if (process.platform !== 'win32') {
      fs.unlinkSync(this.file);
      this.unlinked = true;
    }
  }

  /** Writes `chunk` at `position` (a part sent again overwrites what a failed attempt left). */
  write(chunk: Uint8Array, position: number): void {
    for (let done = 0; done < chunk.length;) done += fs.writeSync(this.fd, chunk, done, chunk.length - done, position + done);
  }

  /** The first `size` bytes as a blob (read from the file on demand). */
  blob(size: number, sha1: string): Blob {
    const read = (start: number, end: number): Buffer => {
      start = Math.max(0, start);
      end = Math.min(size, end);
      const out = Buffer.allocUnsafe(Math.max(0, end - start));
      for (let done = 0; done < out.length;) {
        const n = fs.readSync(this.fd, out, done, out.length - done, start + done);
        if (n === 0) throw new Error('spool file shorter than its blob');
        done += n;
      }
      return out;
    };
    // Small content is kept in memory like any other (searchable, previewable); the file then goes.
    if (size <= 1024 * 1024) {
      const blob = { size, sha1, inMemory: true, read: bufferRead(read(0, size)) };
      this.discard();
      return blob;
    }
    this.handedOff = true;
    return { size, sha1, inMemory: false, read };
  }

  /** Closes and removes the file (an aborted or failed upload); never one a stored blob reads from, never twice. */
  discard(): void {
    if (this.closed || this.handedOff) return;
    this.closed = true;
    fs.closeSync(this.fd);
    if (!this.unlinked) fs.rmSync(this.file, { force: true });
    this.unlinked = true;
  }
}

function bufferRead(data: Buffer): (start: number, end: number) => Buffer {
  return (start, end) => data.subarray(start, end);
}

const BLOCK = 64 * 1024;

/** One 64 KiB block of seeded xorshift32 output; every block is independent so any range is cheap to produce. */
function pseudoRandomBlock(seed: number, index: number): Buffer {
  const words = new Uint32Array(BLOCK / 4);
  let x = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    words[i] = x;
  }
  return Buffer.from(words.buffer);
}

// sha1 of a generated blob costs a full pass; the content is deterministic, so compute it once per process.
const generatedSha1 = new Map<string, string>();

/** Deterministic pseudo-random content of `size` bytes; nothing is kept in memory between reads. */
export function generatedBlob(seed: number, size: number): Blob {
  const read = (start: number, end: number): Buffer => {
    start = Math.max(0, start);
    end = Math.min(size, end);
    if (end <= start) return Buffer.alloc(0);
    const parts: Buffer[] = [];
    for (let b = Math.floor(start / BLOCK); b * BLOCK < end; b++) {
      const block = pseudoRandomBlock(seed, b);
      parts.push(block.subarray(Math.max(0, start - b * BLOCK), Math.min(BLOCK, end - b * BLOCK)));
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  };
  const key = `${seed}:${size}`;
  return {
    size,
    inMemory: false,
    read,
    get sha1(): string {
      let hex = generatedSha1.get(key);
      if (!hex) {
        const h = crypto.createHash('sha1');
        for (let off = 0; off < size; off += BLOCK) h.update(read(off, off + BLOCK));
        hex = h.digest('hex');
        generatedSha1.set(key, hex);
      }
      return hex;
    },
  };
}

/** Whole content (for control.readFile and small-file features). */
export function readAll(blob: Blob): Buffer {
  return Buffer.from(blob.read(0, blob.size));
}
