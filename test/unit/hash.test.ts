import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CancelledError } from '../../src/core/errors';
import { randomBytes } from 'crypto';
import { crc32, crc32Portable, sha1File, sha1Hex } from '../../src/core/hash';

describe('hash', () => {
  it('crc32 is the unsigned IEEE CRC-32 (check value of "123456789")', () => {
    assert.strictEqual(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.strictEqual(crc32(Buffer.from('123456789')), 3421780262);
    assert.strictEqual(crc32(new Uint8Array(0)), 0);
  });

  it('crc32 never returns a negative number', () => {
    // 'a' has a CRC with the top bit set (0xE8B7BE43), which crc-32 reports as negative.
    assert.strictEqual(crc32(Buffer.from('a')), 0xe8b7be43);
  });

  it('the native CRC-32 (zlib, where Node has it) and the crc-32 fallback agree', () => {
    assert.strictEqual(crc32Portable(Buffer.from('123456789')), 0xcbf43926);
    for (const n of [0, 1, 1000, 65_537, 3 * 1024 * 1024 + 7]) {
      const data = randomBytes(n);
      assert.strictEqual(crc32(data), crc32Portable(data), `${n} bytes`);
    }
  });

  it('sha1File reads files larger than its 4 MiB buffer, and empty ones', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-hash-'));
    for (const n of [0, 4 * 1024 * 1024, 9 * 1024 * 1024 + 3]) {
      const data = randomBytes(n);
      const f = path.join(dir, `f${n}`);
      await fsp.writeFile(f, data);
      assert.strictEqual(await sha1File(f), sha1Hex(data), `${n} bytes`);
    }
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('sha1Hex and sha1File agree with known digests', async () => {
    assert.strictEqual(sha1Hex(''), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
    assert.strictEqual(sha1Hex(Buffer.from('abc')), 'a9993e364706816aba3e25717850c26c9cd0d89d');
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-hash-'));
    try {
      const f = path.join(dir, 'big.bin');
      const data = Buffer.alloc(3 * 1024 * 1024 + 7, 0x5a);
      await fsp.writeFile(f, data);
      assert.strictEqual(await sha1File(f), sha1Hex(data));
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it('sha1File rejects with CancelledError when the signal is aborted', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    await assert.rejects(sha1File(__filename, ctrl.signal), CancelledError);
  });
});
