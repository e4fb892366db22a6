/**
 * A look inside an XLSX file before exceljs reads it. An XLSX is a zip: a
 * 1 MB file may unpack to gigabytes (a "zip bomb"), and exceljs keeps every
 * shared string in memory, so a small file could take minutes and more memory
 * than the machine has before a single row is checked. Here every part is
 * unpacked once as a stream, counting what really comes out (the sizes a zip
 * declares may lie) and the shared strings as they pass, and the file is
 * refused as soon as it passes a limit, holding no more than a chunk at a time.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';

/** The most an XLSX may unpack to, all its parts together. */
export const XLSX_MAX_UNPACKED_BYTES = 1024 * 1024 * 1024;

/**
 * The most shared strings an XLSX may hold. Each takes about 100 bytes of the
 * reading thread's heap; a roster with a distinct name, ID and phone for each
 * of a million people stays under it.
 */
export const XLSX_MAX_SHARED_STRINGS = 3_500_000;

/** More entries than any workbook has; a zip with more is not one. */
const MAX_ENTRIES = 10_000;
/** The central directory's largest believable size. */
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;

export interface XlsxLimits {
  unpackedBytes: number;
  sharedStrings: number;
}

/** The file passes a limit: what it is and how far it may go. */
export class XlsxTooLarge extends Error {
  constructor(
    readonly limit: 'unpacked' | 'shared_strings',
    readonly max: number,
  ) {
    super(limit === 'unpacked' ? `the workbook unpacks to more than ${max} bytes` : `the workbook holds more than ${max} shared strings`);
    this.name = 'XlsxTooLarge';
  }
}

/** Not a zip exceljs could read either; exceljs would fail less clearly. */
export class XlsxUnreadable extends Error {
  constructor(detail: string) {
    super(`not a readable XLSX file: ${detail}`);
    this.name = 'XlsxUnreadable';
  }
}

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

async function readAt(fh: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

function u64(buf: Buffer, at: number): number {
  const n = buf.readBigUInt64LE(at);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new XlsxUnreadable('a size beyond any file');
  return Number(n);
}

/** The zip's entries, from its central directory (zip64 included). */
async function entries(path: string): Promise<Entry[]> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = await readAt(fh, size - tailLength, tailLength);
    let at = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) throw new XlsxUnreadable('no zip directory');
    let count = tail.readUInt16LE(at + 10);
    let dirSize = tail.readUInt32LE(at + 12);
    let dirOffset = tail.readUInt32LE(at + 16);
    if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
      const locatorAt = at - 20;
      if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== ZIP64_LOCATOR) throw new XlsxUnreadable('a broken zip64 directory');
      const z = await readAt(fh, u64(tail, locatorAt + 8), 56);
      if (z.length < 56 || z.readUInt32LE(0) !== ZIP64_EOCD) throw new XlsxUnreadable('a broken zip64 directory');
      count = u64(z, 32);
      dirSize = u64(z, 40);
      dirOffset = u64(z, 48);
    }
    if (count > MAX_ENTRIES || dirSize > MAX_DIRECTORY_BYTES) throw new XlsxUnreadable('more parts than a workbook has');
    const dir = await readAt(fh, dirOffset, dirSize);
    const out: Entry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw new XlsxUnreadable('a broken zip directory');
      const nameLength = dir.readUInt16LE(p + 28);
      const extraLength = dir.readUInt16LE(p + 30);
      const commentLength = dir.readUInt16LE(p + 32);
      const entry: Entry = {
        name: dir.toString('utf8', p + 46, p + 46 + nameLength),
        method: dir.readUInt16LE(p + 10),
        compressedSize: dir.readUInt32LE(p + 20),
        size: dir.readUInt32LE(p + 24),
        localOffset: dir.readUInt32LE(p + 42),
      };
      // Zip64: the fields that overflowed are in the extra field, in this order.
      let e = p + 46 + nameLength;
      const extraEnd = e + extraLength;
      while (e + 4 <= extraEnd) {
        const id = dir.readUInt16LE(e);
        const length = dir.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let f = e + 4;
          if (entry.size === 0xffffffff) {
            entry.size = u64(dir, f);
            f += 8;
          }
          if (entry.compressedSize === 0xffffffff) {
            entry.compressedSize = u64(dir, f);
            f += 8;
          }
          if (entry.localOffset === 0xffffffff) entry.localOffset = u64(dir, f);
        }
        e += 4 + length;
      }
      out.push(entry);
      p = extraEnd + commentLength;
    }
    // Where each entry's data starts: after its local header, whose name and extra lengths may differ.
    for (const entry of out) {
      const local = await readAt(fh, entry.localOffset, 30);
      if (local.length < 30 || local.readUInt32LE(0) !== LOCAL) throw new XlsxUnreadable('a broken zip entry');
      entry.localOffset += 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** `<si>` or `<si …>` opens a shared string; `<sst`, `<sz…` and the like do not. */
function countSharedStrings(chunk: Buffer, from: number): number {
  let n = 0;
  for (let i = chunk.indexOf('<si', from); i >= 0; i = chunk.indexOf('<si', i + 3)) {
    const next = chunk[i + 3];
    if (next === 0x3e || next === 0x20 || next === 0x2f || next === 0x09 || next === 0x0a || next === 0x0d) n++;
  }
  return n;
}

/**
 * Unpacks every part of the XLSX at `path` once, as a stream, and throws
 * `XlsxTooLarge` as soon as it passes a limit (or `XlsxUnreadable` when it is
 * not a zip); resolves when it is within them.
 */
export async function checkXlsxLimits(path: string, limits: Partial<XlsxLimits> = {}): Promise<void> {
  const maxBytes = limits.unpackedBytes ?? XLSX_MAX_UNPACKED_BYTES;
  const maxStrings = limits.sharedStrings ?? XLSX_MAX_SHARED_STRINGS;
  const parts = await entries(path);
  // What the zip itself declares already settles most bombs, before anything is unpacked.
  if (parts.reduce((sum, e) => sum + e.size, 0) > maxBytes) throw new XlsxTooLarge('unpacked', maxBytes);
  let total = 0;
  let strings = 0;
  for (const part of parts) {
    if (part.compressedSize === 0) continue;
    if (part.method !== 0 && part.method !== 8) throw new XlsxUnreadable(`compression method ${part.method}`);
    const shared = /^xl\/sharedStrings\d*\.xml$/i.test(part.name);
    const raw = createReadStream(path, { start: part.localOffset, end: part.localOffset + part.compressedSize - 1 });
    const stream = part.method === 8 ? raw.pipe(createInflateRaw()) : raw;
    // The last bytes of the chunk before, so a `<si` split across two chunks is seen once.
    let carry = Buffer.alloc(0);
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > maxBytes) throw new XlsxTooLarge('unpacked', maxBytes);
        if (shared) {
          const joined = carry.length ? Buffer.concat([carry, chunk]) : chunk;
          strings += countSharedStrings(joined, 0);
          // The last 3 bytes may be an unfinished `<si`: seen again with the next chunk (a whole `<si>` needs 4).
          const keep = Math.min(3, joined.length);
          carry = Buffer.from(joined.subarray(joined.length - keep));
          if (strings > maxStrings) throw new XlsxTooLarge('shared_strings', maxStrings);
        }
      }
    } catch (e) {
      if (e instanceof XlsxTooLarge) throw e;
      throw new XlsxUnreadable(`part ${part.name} does not unpack (${e instanceof Error ? e.message : String(e)})`);
    } finally {
      raw.destroy();
      if (stream !== raw) stream.destroy();
    }
  }
}
