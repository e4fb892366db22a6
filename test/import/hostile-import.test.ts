/**
 * Imports under attack: a small XLSX that unpacks to millions of shared
 * strings (a "zip bomb") is refused quickly, with a clear message and little
 * memory; a zip that lies about its sizes is measured, not believed; the
 * reading thread's heap is bounded; and a NUL byte in a name is refused, in
 * roster and targets files and in names typed in chat.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { ROSTER_HEADER, rosterRows, writeCsv } from '../helpers/lapse-files.ts';
import { writeSharedStringsWorkbook, writeZip } from '../helpers/xlsx-zip.ts';
import { cliImport } from '../../src/import/cli-import.ts';
import { importRoster } from '../../src/import/import-roster.ts';
import { importTargets } from '../../src/import/import-targets.ts';
import { ImportStopped, READER_HEAP_MB } from '../../src/import/check-thread.ts';
import { checkXlsxLimits, XLSX_MAX_SHARED_STRINGS, XlsxTooLarge } from '../../src/import/xlsx-guard.ts';
import { formatImportReport } from '../../src/import/report.ts';
import { deriveSealKeys, piiSealer } from '../../src/domain/pii-seal.ts';
import { piiHasher } from '../../src/domain/pii-hash.ts';
import { catalogue } from '../../src/i18n/index.ts';
import { loadConfig } from '../../src/config.ts';
import { memoryLogger } from '../../src/core/logger.ts';

const NOW = new Date('2026-11-23T02:00:00Z');
let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(): Promise<TestApp> {
  app = await openTestApp({ now: NOW });
  for (const t of ['城南街道', '城北街道']) expect((await app.say('admin', 'console', `township add ${t}`)).status).toBe('ok');
  return app;
}

function io() {
  const out = { text: '' };
  return { out, io: { out: { write: (s: string) => (out.text += s) }, progress: { write: () => true, isTTY: false }, now: () => NOW } };
}

const count = async (a: TestApp, table: 'lapse_person' | 'area') =>
  Number((await a.database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('an XLSX zip bomb', () => {
  it('is refused quickly, with a message saying what to do, in bounded memory, and nothing is written', async () => {
    const a = await start();
    const file = join(a.dir, 'bomb.xlsx');
    // 26 million shared strings (about 440 MB unpacked) in a file of about 1 MB.
    await writeSharedStringsWorkbook(file, { header: ROSTER_HEADER, rows: [], extraStrings: 26_000_000 });
    expect(statSync(file).size).toBeLessThan(2 * 1024 * 1024);

    const config = loadConfig({ DATABASE_URL: a.databaseUrl, ENROLLBOT_DEMO: '0', ENROLLBOT_KEY_DIR: process.env.ENROLLBOT_KEY_DIR! }); // the database's own key
    const log = memoryLogger();
    const r = io();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const began = performance.now();
    let result;
    try {
      result = await cliImport(['roster', file], config, log, r.io);
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - began) / 1000;
    expect(result.code).toBe(1);
    expect(r.out.text).toContain(`共享字符串超过 ${XLSX_MAX_SHARED_STRINGS.toLocaleString('en')} 个`);
    expect(r.out.text).toContain('另存为 CSV');
    expect(r.out.text).toContain('数据库没有任何改动');
    // Unguarded, exceljs took over a minute and 1.2 GB on this file.
    expect(seconds).toBeLessThan(20);
    expect((peak - before) / (1024 * 1024)).toBeLessThan(300);
    expect(log.lines.some((l) => l.includes('"limit":"xlsx_shared_strings"'))).toBe(true);
    expect(await count(a, 'lapse_person')).toBe(0);
  });

  it('is measured as it unpacks, not believed: a part that says it is small but is not is refused at the limit', async () => {
    const a = await start();
    const file = join(a.dir, 'liar.xlsx');
    // Declares 100 bytes of shared strings, unpacks to about 17 MB.
    await writeSharedStringsWorkbook(file, { header: ['姓名'], rows: [], extraStrings: 1_000_000, declaredSize: 100 });
    const tooBig = await checkXlsxLimits(file, { unpackedBytes: 4 * 1024 * 1024 }).catch((e: unknown) => e);
    expect(tooBig).toBeInstanceOf(XlsxTooLarge);
    expect((tooBig as XlsxTooLarge).limit).toBe('unpacked');
    // Declared sizes over the limit are refused before anything is unpacked.
    const declared = join(a.dir, 'declared.xlsx');
    await writeZip(declared, [{ name: 'xl/worksheets/sheet1.xml', content: () => ['<x/>'], declaredSize: 0xfffffff0 }]);
    expect(await checkXlsxLimits(declared).catch((e: unknown) => (e as XlsxTooLarge).limit)).toBe('unpacked');
    // An ordinary workbook passes.
    const fine = join(a.dir, 'fine.xlsx');
    await writeSharedStringsWorkbook(fine, { header: ['姓名'], rows: [['张三']] });
    await expect(checkXlsxLimits(fine)).resolves.toBeUndefined();
  });
});

describe("the reading thread's heap", () => {
  it('is bounded: a file that needs more stops the import with a clear message, nothing written', async () => {
    const a = await start();
    expect(READER_HEAP_MB).toBeGreaterThan(0);
    const file = join(a.dir, 'heavy.xlsx');
    // 600,000 distinct strings: far under the shared-strings limit, far over a 24 MB heap.
    await writeSharedStringsWorkbook(file, { header: ROSTER_HEADER, rows: [], extraStrings: 600_000, extraString: (n) => `某某有限公司第${n}分公司`.padEnd(40, '厂') });
    const options = { db: a.database.db, hasher: piiHasher('test-key'), sealer: piiSealer(deriveSealKeys('test-key')), now: NOW, today: '2026-11-23', readerHeapMb: 24 };
    const stopped = await importRoster(file, options).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(ImportStopped);
    expect((stopped as ImportStopped).reason).toEqual({ kind: 'reader_memory', heapMb: 24 });
    expect(catalogue('zh-CN').importReaderOutOfMemory({ mb: 24 })).toContain('24 MB');
    expect(await count(a, 'lapse_person')).toBe(0);
  });
});

describe('NUL bytes in names', () => {
  it('refuse a roster whose name, employer or cadre cell holds one, naming the cells', async () => {
    const a = await start();
    const rows = rosterRows(6, ['城南街道']);
    rows[2]![0] = '张\u0000三';
    rows[4]![4] = '某某公司\u0000';
    rows[5]![6] = '刘\u0000网格';
    const file = join(a.dir, 'nul.csv');
    writeCsv(file, rows);
    const report = await importRoster(file, { db: a.database.db, hasher: piiHasher('test-key'), sealer: piiSealer(deriveSealKeys('test-key')), now: NOW, today: '2026-11-23' });
    expect(report).toMatchObject({ committed: false, taken: 0, refused: 3 });
    expect(report.reasons).toEqual([
      {
        reason: 'text_control',
        count: 3,
        first: [
          { line: 3, column: 'A', header: '姓名' },
          { line: 5, column: 'E', header: '单位' },
          { line: 6, column: 'G', header: '网格员' },
        ],
      },
    ]);
    const text = formatImportReport(report, catalogue('zh-CN'));
    expect(text).toContain('含有控制字符（如 NUL）');
    expect(text).toContain('第 3 行 A（姓名）列');
    expect(formatImportReport(report, catalogue('en'))).toContain('control character');
    expect(await count(a, 'lapse_person')).toBe(0);
  });

  it('refuse a targets file whose township name holds one', async () => {
    const a = await start();
    const areas = await count(a, 'area');
    const file = join(a.dir, 'targets.csv');
    writeCsv(file, [['乡镇', '目标'], ['青山\u0000镇', '100'], ['白沙镇', '200']]);
    const report = await importTargets(file, { db: a.database.db, now: NOW, source: 'test' });
    expect(report).toMatchObject({ committed: false, refused: 1 });
    expect(report.reasons).toEqual([{ reason: 'township_name_invalid', count: 1, first: [{ line: 2, column: 'A', header: '乡镇' }] }]);
    expect(await count(a, 'area')).toBe(areas);
  });

  it('refuse a chat command with one, in an area name or a user name, and write nothing', async () => {
    const a = await start();
    const areas = await count(a, 'area');
    const members = await a.database.db.selectFrom('member').select('id').execute();
    const t = catalogue('zh-CN');
    for (const line of ['township add 青山\u0000镇', 'grant 张\u0000三 coordinator 城南街道', 'target 城南\u0000街道 100']) {
      const r = await a.say('admin', 'console', line);
      expect(r, JSON.stringify(line)).toEqual({ status: 'refused', code: 'invalid_input', text: t.controlCharacterInMessage() });
    }
    expect(await count(a, 'area')).toBe(areas);
    expect(await a.database.db.selectFrom('member').select('id').execute()).toEqual(members);
    // The same words without the NUL work.
    expect((await a.say('admin', 'console', 'township add 青山镇')).status).toBe('ok');
  });
});
