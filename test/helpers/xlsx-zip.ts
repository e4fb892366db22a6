/**
 * Writing an XLSX by hand, part by part, so a test can make the files a
 * spreadsheet program never would: a "zip bomb" whose shared strings unpack
 * to hundreds of megabytes from one, or a part that lies about its size.
 * Parts are deflated as a stream from a generator: the test never holds what
 * the file unpacks to.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { crc32, createDeflateRaw } from 'node:zlib';

/** A part: its name in the zip and its content, in pieces. */
export interface ZipPart {
  name: string;
  content: () => Iterable<string | Buffer>;
  /** Declare this uncompressed size in the directory instead of the true one (a lying zip). */
  declaredSize?: number;
}

async function deflatePart(pieces: Iterable<string | Buffer>): Promise<{ data: Buffer; size: number; crc: number }> {
  const deflate = createDeflateRaw({ level: 6 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  let size = 0;
  let crc = 0;
  for (const piece of pieces) {
    const b = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    size += b.length;
    crc = crc32(b, crc);
    if (!deflate.write(b)) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  return { data: Buffer.concat(out), size, crc };
}

/** Writes a zip of `parts` (deflated) to `path`. */
export async function writeZip(path: string, parts: ZipPart[]): Promise<void> {
  const file = createWriteStream(path);
  const directory: Buffer[] = [];
  let offset = 0;
  const write = async (b: Buffer) => {
    if (!file.write(b)) await once(file, 'drain');
    offset += b.length;
  };
  for (const part of parts) {
    const { data, size, crc } = await deflatePart(part.content());
    const name = Buffer.from(part.name, 'utf8');
    const declared = part.declaredSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const at = offset;
    await write(local);
    await write(name);
    await write(data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(declared, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(at, 42);
    directory.push(central, name);
  }
  const dir = Buffer.concat(directory);
  const dirAt = offset;
  await write(dir);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(dirAt, 16);
  await write(end);
  file.end();
  await once(file, 'finish');
}

const xmlHead = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/**
 * A workbook with one sheet whose cells are all shared strings: `header`
 * then `rows`, plus `extraStrings` more shared strings no cell uses
 * (`extraString(n)`, or `a` each), which is how a bomb is made.
 */
export async function writeSharedStringsWorkbook(
  path: string,
  input: { header: string[]; rows: string[][]; extraStrings?: number; extraString?: (n: number) => string; declaredSize?: number },
): Promise<void> {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const ref = (s: string) => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const col = (i: number) => String.fromCharCode(65 + i);
  const sheetRows = [input.header, ...input.rows].map(
    (r, y) => `<row r="${y + 1}">${r.map((v, x) => `<c r="${col(x)}${y + 1}" t="s"><v>${ref(v)}</v></c>`).join('')}</row>`,
  );
  const extra = input.extraStrings ?? 0;
  const extraString = input.extraString ?? (() => 'a');
  const total = strings.length + extra;
  await writeZip(path, [
    {
      name: '[Content_Types].xml',
      content: () => [
        `${xmlHead}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
      ],
    },
    {
      name: '_rels/.rels',
      content: () => [
        `${xmlHead}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      ],
    },
    {
      name: 'xl/workbook.xml',
      content: () => [
        `${xmlHead}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ],
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      content: () => [
        `${xmlHead}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
      ],
    },
    {
      name: 'xl/sharedStrings.xml',
      ...(input.declaredSize !== undefined ? { declaredSize: input.declaredSize } : {}),
      content: function* () {
        yield `${xmlHead}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${total}" uniqueCount="${total}">`;
        for (const s of strings) yield `<si><t>${escape(s)}</t></si>`;
        // In pieces of 10,000, so a bomb is deflated without holding it; strings all alike are one piece over and over.
        const same = input.extraString ? null : Buffer.from('<si><t>a</t></si>'.repeat(10_000));
        for (let n = 0; n < extra; n += 10_000) {
          const count = Math.min(extra, n + 10_000) - n;
          if (same && count === 10_000) {
            yield same;
            continue;
          }
          let piece = '';
          for (let k = n; k < n + count; k++) piece += `<si><t>${escape(extraString(k))}</t></si>`;
          yield piece;
        }
        yield '</sst>';
      },
    },
    {
      name: 'xl/worksheets/sheet1.xml',
      content: () => [
        `${xmlHead}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows.join('')}</sheetData></worksheet>`,
      ],
    },
  ]);
}
