import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { badCheckDigit, CONTRIBUTION_HEADER, csvText, ROSTER_HEADER, rosterRows, testId, writeCsv, writeXlsx, type Rows } from '../helpers/lapse-files.ts';
import { importRoster } from '../../src/import/import-roster.ts';
import { importContributions } from '../../src/import/import-contributions.ts';
import { piiHasher } from '../../src/domain/pii-hash.ts';
import { deriveSealKeys, parseContact, piiSealer } from '../../src/domain/pii-seal.ts';
import { cliImport } from '../../src/import/cli-import.ts';
import { ImportStopped } from '../../src/import/check-thread.ts';
import { loadConfig } from '../../src/config.ts';
import { testDatabaseUrl } from '../helpers/database.ts';
import { memoryLogger } from '../../src/core/logger.ts';
import { formatImportReport } from '../../src/import/report.ts';
import { catalogue } from '../../src/i18n/index.ts';

const NOW = new Date('2026-11-23T02:00:00Z');
let apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps) await a.close();
  apps = [];
});

async function appWithTownships(): Promise<TestApp> {
  const app = await openTestApp({ now: NOW });
  apps.push(app);
  for (const t of ['城南街道', '城北街道', '青山镇']) expect((await app.say('admin', 'console', `township add ${t}`)).status).toBe('ok');
  await app.say('admin', 'console', 'grant 刘网格 coordinator 城南街道');
  return app;
}

function options(app: TestApp) {
  return { db: app.database.db, hasher: piiHasher('test-key'), sealer: piiSealer(deriveSealKeys('test-key')), now: NOW, today: '2026-11-23', batchSize: 7 };
}

async function people(app: TestApp) {
  return app.database.db
    .selectFrom('lapse_person')
    .select(['id_hash', 'id_masked', 'contact', 'name_masked', 'phone_masked', 'area_id', 'kind', 'employer', 'cadre_member_id', 'cadre_text', 'last_paid_month', 'updated_at'])
    .orderBy('id_hash')
    .execute();
}

async function snapshot(app: TestApp) {
  const db = app.database.db;
  return {
    people: await db.selectFrom('lapse_person').selectAll().orderBy('id').execute(),
    contributions: await db.selectFrom('lapse_contribution').selectAll().orderBy('person_id').orderBy('month').execute(),
    cases: await db.selectFrom('lapse_case').selectAll().orderBy('id').execute(),
  };
}

describe('roster import', () => {
  it('reads UTF-8, UTF-8 with BOM, GBK CSV and XLSX alike', async () => {
    const rows = rosterRows(23, ['城南街道', '城北街道', '青山镇'], '刘网格');
    const results = [];
    for (const kind of ['utf8', 'bom', 'gbk', 'xlsx'] as const) {
      const app = await appWithTownships();
      const file = join(app.dir, kind === 'xlsx' ? 'roster.xlsx' : `roster-${kind}.csv`);
      if (kind === 'xlsx') await writeXlsx(file, rows);
      else writeCsv(file, rows, kind);
      const report = await importRoster(file, options(app));
      expect(report, kind).toMatchObject({ rowsRead: 23, taken: 23, written: 23, refused: 0, committed: true });
      expect(report.encoding).toBe(kind === 'xlsx' ? null : kind === 'gbk' ? 'gb18030' : 'utf-8');
      results.push(await people(app));
    }
    expect(results[0]).toHaveLength(23);
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
    // Names and phones only sealed and masked; the sealed contact opens back with the key.
    const opened = (c: string | null) => parseContact(options(apps[0]!).sealer.open(c!, 'contact'));
    const first = results[0]!.find((p) => opened(p.contact).name === '张三丰' && p.cadre_text === '刘网格')!;
    expect(first.id_masked).toBe('430602********0008'.slice(0, 14) + testId(0).slice(14));
    expect(first.cadre_member_id).not.toBeNull();
    expect(opened(first.contact).phone).toBe('13800000000');
    expect([first.name_masked, first.phone_masked]).toEqual(['张*丰', '138****0000']);
    expect(results[0]!.find((p) => p.employer?.includes('第1车间'))!.employer).toBe('岳阳市某某有限公司, 第1车间');
  });

  it('refuses a whole file for one bad check digit, naming the line, and changes nothing', async () => {
    const app = await appWithTownships();
    const good = join(app.dir, 'good.csv');
    writeCsv(good, rosterRows(10, ['城南街道']));
    expect((await importRoster(good, options(app))).committed).toBe(true);
    const before = await snapshot(app);

    const rows = rosterRows(12, ['城北街道']);
    rows[4]![1] = badCheckDigit(String(rows[4]![1]));
    const bad = join(app.dir, 'bad.csv');
    writeCsv(bad, rows);
    const report = await importRoster(bad, options(app));
    expect(report).toMatchObject({ rowsRead: 12, taken: 0, written: 0, refused: 1, committed: false });
    expect(report.reasons).toEqual([{ reason: 'id_check_digit', count: 1, first: [{ line: 5, column: 'B', header: '身份证号' }] }]);
    expect(await snapshot(app)).toEqual(before);
    const text = formatImportReport(report, catalogue('zh-CN'));
    expect(text).toContain('身份证号校验位不对');
    expect(text).toContain('第 5 行 B（身份证号）列');
    expect(text).toContain('整份未导入');
    expect(text).not.toMatch(/\d{17}[\dX]/);
  });

  it('refuses a bad line that comes after rows were already written, and changes nothing', async () => {
    const app = await appWithTownships();
    const before = await snapshot(app);
    // Batches of 7 rows, at most a few read ahead: dozens of batches are staged before line 290 is read.
    const rows = rosterRows(300, ['城南街道', '城北街道']);
    rows[289]![2] = '不存在镇';
    const file = join(app.dir, 'late.csv');
    writeCsv(file, rows);
    const report = await importRoster(file, options(app));
    expect(report).toMatchObject({ rowsRead: 300, taken: 0, written: 0, refused: 1, committed: false });
    expect(report.reasons).toEqual([{ reason: 'township_unknown', count: 1, first: [{ line: 290, column: 'C', header: '乡镇' }] }]);
    expect(await snapshot(app)).toEqual(before);
    // Nothing staged is left behind: the same connection imports the corrected file.
    rows[289]![2] = '青山镇';
    writeCsv(file, rows);
    expect(await importRoster(file, options(app))).toMatchObject({ taken: 300, written: 300, committed: true });
  });

  it('writes nothing when the reading thread fails mid-file, and says why', async () => {
    const app = await appWithTownships();
    const good = join(app.dir, 'good.csv');
    writeCsv(good, rosterRows(10, ['城南街道']));
    expect((await importRoster(good, options(app))).committed).toBe(true);
    const before = await snapshot(app);
    // 200 good rows, then a quote never closed: the rest of the file (40 MB) becomes one cell,
    // more than the reading thread's capped heap holds.
    const rows = rosterRows(200, ['城北街道']);
    const file = join(app.dir, 'unclosed.csv');
    writeFileSync(file, `${csvText(rows)}"未闭合,${'x'.repeat(1 << 20)}\n`.repeat(1) + `${'y'.repeat(1 << 20)}\n`.repeat(40));
    let rowsSeen = 0;
    const failed = importRoster(file, { ...options(app), readerHeapMb: 16, onProgress: (p) => (rowsSeen = p.rows) });
    await expect(failed).rejects.toThrow(ImportStopped);
    await expect(failed).rejects.toThrow('could not be read to the end');
    expect(rowsSeen).toBeGreaterThanOrEqual(200);
    expect(await snapshot(app)).toEqual(before);
  });

  it('fails with what the progress callback threw, writing nothing', async () => {
    const app = await appWithTownships();
    const before = await snapshot(app);
    const file = join(app.dir, 'r.csv');
    writeCsv(file, rosterRows(50, ['城南街道']));
    const onProgress = () => {
      throw new Error('terminal gone');
    };
    await expect(importRoster(file, { ...options(app), onProgress })).rejects.toThrow('terminal gone');
    expect(await snapshot(app)).toEqual(before);
  });

  it('re-importing the same file changes nothing', async () => {
    const app = await appWithTownships();
    const file = join(app.dir, 'r.csv');
    writeCsv(file, rosterRows(15, ['城南街道', '青山镇']));
    await importRoster(file, options(app));
    const before = await snapshot(app);
    const again = await importRoster(file, { ...options(app), now: new Date('2026-11-24T02:00:00Z') });
    expect(again).toMatchObject({ taken: 15, written: 0, committed: true });
    expect(await snapshot(app)).toEqual(before);
  });

  it('refuses IDs stored as numbers, unknown townships and bad kinds, by line and column', async () => {
    const app = await appWithTownships();
    const rows: Rows = [
      ['电话', '参保类型', '身份证号', '乡镇', '姓名'], // any order
      ['13800000001', '单位', '1.10105E+17', '城南街道', '甲'],
      ['13800000002', '单位', testId(2), '不存在镇', '乙'],
      ['13800000003', '合同工', testId(3), '城南街道', '丙'],
      ['13800000004', '单位', testId(4).slice(0, 6) + '19900230' + testId(4).slice(14), '城南街道', '丁'],
      ['13800000005', '单位', testId(5), '城南街道', '戊'],
      ['13800000006', '单位', testId(5), '城南街道', '己'],
      ['13800000007', '单位', `="${testId(7)}"`, '城南街道', '庚'], // Excel's text form: accepted
      ['13800000008', '单位', `'${testId(8)}`, '城南街道', '辛'],
      ['13800000009', 'constructor', testId(9), '城南街道', '壬'], // not a kind, whatever JavaScript objects have
    ];
    const file = join(app.dir, 'mixed.csv');
    writeCsv(file, rows);
    const report = await importRoster(file, options(app));
    expect(report.committed).toBe(false);
    expect(Object.fromEntries(report.reasons.map((g) => [g.reason, g.first]))).toEqual({
      id_number_format: [{ line: 2, column: 'C', header: '身份证号' }],
      township_unknown: [{ line: 3, column: 'D', header: '乡镇' }],
      kind_invalid: [
        { line: 4, column: 'B', header: '参保类型' },
        { line: 10, column: 'B', header: '参保类型' },
      ],
      id_birth_date: [{ line: 5, column: 'C', header: '身份证号' }],
      id_duplicate: [{ line: 7, column: 'C', header: '身份证号' }],
    });

    const xlsx = join(app.dir, 'numbers.xlsx');
    await writeXlsx(xlsx, [['name', 'id_number', 'township', 'kind'], ['A', 430602198503150001, '城南街道', 'employer']]);
    const r2 = await importRoster(xlsx, options(app));
    expect(r2.reasons).toEqual([{ reason: 'id_number_format', count: 1, first: [{ line: 2, column: 'B', header: 'id_number' }] }]);
    expect((await snapshot(app)).people).toEqual([]);
  });

  it('names an ID repeated after a refused line too, on each later line, in file order among the other refusals', async () => {
    const app = await appWithTownships();
    const rows: Rows = [
      ROSTER_HEADER,
      ['甲', testId(1), '不存在镇', '单位', '', '', ''],
      ['乙', testId(2), '城南街道', '单位', '', '', ''],
      ['丙', testId(3), '城南街道', '单位', '', '', ''],
      ['丁', testId(2), '青山镇', '单位', '', '', ''],
      ['戊', testId(4), '城南街道', '合同工', '', '', ''],
      ['己', testId(2), '城南街道', '单位', '', '', ''],
    ];
    const file = join(app.dir, 'dup.csv');
    writeCsv(file, rows);
    const report = await importRoster(file, options(app));
    expect(report).toMatchObject({ rowsRead: 6, taken: 0, refused: 4, committed: false });
    expect(report.reasons.find((g) => g.reason === 'id_duplicate')).toEqual({
      reason: 'id_duplicate',
      count: 2,
      first: [
        { line: 5, column: 'B', header: '身份证号' },
        { line: 7, column: 'B', header: '身份证号' },
      ],
    });
    expect(report.refusedLines.map((l) => [l.line, l.problems.map((p) => p.reason)])).toEqual([
      [2, ['township_unknown']],
      [5, ['id_duplicate']],
      [6, ['kind_invalid']],
      [7, ['id_duplicate']],
    ]);
    expect((await snapshot(app)).people).toEqual([]);
  });

  it('counts refused lines, not problems: a line with two problems is one line, listed under both reasons', async () => {
    const app = await appWithTownships();
    const rows: Rows = [
      ROSTER_HEADER,
      ['张三丰', badCheckDigit(testId(1)), '不存在镇', '单位', '', '', ''], // two problems
      ['李四', testId(2), '城南街道', '合同工', '', '', ''], // one
      ['王小明', testId(3), '城南街道', '单位', '', '', ''], // good
    ];
    const file = join(app.dir, 'gbk.csv');
    writeCsv(file, rows, 'gbk');
    const report = await importRoster(file, options(app));
    expect(report).toMatchObject({ rowsRead: 3, taken: 0, refused: 2, committed: false });
    const zh = formatImportReport(report, catalogue('zh-CN'));
    expect(zh).toContain('花名册（csv, gb18030）：读取 3 行，接收 0 行（新增或变更 0 行），拒收 2 行。');
    expect(zh).toContain('身份证号校验位不对（GB 11643）：1 行，如 第 2 行 B（身份证号）列');
    expect(zh).toContain('没有这个乡镇（请先用 township add 添加，名称须一致）：1 行，如 第 2 行 C（乡镇）列');
    expect(zh).toContain('参保类型应为“单位”或“灵活就业”：1 行，如 第 3 行 D（参保类型）列');

    // In English, no Chinese punctuation around the column or between the places.
    const two = join(app.dir, 'two.csv');
    writeCsv(two, [ROSTER_HEADER, ['甲', testId(4), '不存在镇', '单位'], ['乙', testId(5), '不存在镇', '单位']]);
    const en = formatImportReport(await importRoster(two, options(app)), catalogue('en'));
    expect(en).toContain('Roster (csv, utf-8): 2 rows read, 0 taken (0 new or changed), 2 refused.');
    expect(en).toContain('no such township (add it with township add, same name): 2 rows, e.g. line 2 column C (乡镇), line 3 column C (乡镇)');
    expect(en).toContain('Refused lines (correct them and import the whole file again):\n  line 2: column C (乡镇): no such township (add it with township add, same name)\n  line 3: column C (乡镇)');
    expect(en).not.toMatch(/[、（）；]/);
  });

  it('names the missing columns', async () => {
    const app = await appWithTownships();
    const file = join(app.dir, 'cols.csv');
    writeCsv(file, [['姓名', '电话'], ['张三', '13800000000']]);
    const report = await importRoster(file, options(app));
    expect(report.committed).toBe(false);
    expect(report.missingColumns.join(' ')).toContain('身份证号');
  });
});

describe('contributions import', () => {
  it('reads every month form, keeps the latest paid month, and refuses negative amounts by line', async () => {
    const app = await appWithTownships();
    const roster = join(app.dir, 'r.csv');
    writeCsv(roster, rosterRows(3, ['城南街道']));
    await importRoster(roster, options(app));
    const rows: Rows = [
      CONTRIBUTION_HEADER,
      [testId(0), '2025-10', '400'],
      [testId(0), '202511', '400.50'],
      [testId(1), '2025年9月', '￥300'], // ¥ is not in GBK; ￥ is
      [testId(9), '2025-10', '200'], // not on the roster: kept, never screened
    ];
    const file = join(app.dir, 'c.csv');
    writeCsv(file, rows, 'gbk');
    const report = await importContributions(file, options(app));
    expect(report).toMatchObject({ rowsRead: 4, taken: 4, written: 4, committed: true });
    const months = await app.database.db.selectFrom('lapse_person').select(['contact', 'last_paid_month', 'area_id']).orderBy('id').execute();
    const nameOf = (c: string | null) => (c === null ? null : parseContact(options(app).sealer.open(c, 'contact')).name);
    expect(months.map((m) => [nameOf(m.contact), m.last_paid_month])).toEqual([
      ['张三丰', '2025-11'],
      ['李四', '2025-09'],
      ['王小明', null],
      [null, '2025-10'],
    ]);
    const amounts = await app.database.db.selectFrom('lapse_contribution').select('amount_fen').orderBy('amount_fen').execute();
    expect(amounts.map((a) => Number(a.amount_fen))).toEqual([20000, 30000, 40000, 40050]);

    const again = await importContributions(file, options(app));
    expect(again).toMatchObject({ taken: 4, written: 0, committed: true });

    const bad = join(app.dir, 'bad.xlsx');
    await writeXlsx(bad, [['month', 'amount', 'id_number'], ['2025-13', '100', testId(0)], ['2025-12', '-100', testId(0)], ['2025-12', '100', testId(1)]]);
    const r = await importContributions(bad, options(app));
    expect(r.committed).toBe(false);
    expect(Object.fromEntries(r.reasons.map((g) => [g.reason, g.first]))).toEqual({
      month_invalid: [{ line: 2, column: 'A', header: 'month' }],
      amount_negative: [{ line: 3, column: 'B', header: 'amount' }],
    });
  });
});

describe('npm run cli -- import', () => {
  it('says so when a workbook cannot be read to the end, writes nothing, and exits 1', async () => {
    const app = await appWithTownships();
    const before = await snapshot(app);
    const whole = join(app.dir, 'whole.xlsx');
    await writeXlsx(whole, rosterRows(3000, ['城南街道']));
    const bytes = readFileSync(whole);
    const url = await testDatabaseUrl(app.dir);
    const config = loadConfig({ DATABASE_URL: url, ENROLLBOT_DEMO: '0', ENROLLBOT_KEY_DIR: process.env.ENROLLBOT_KEY_DIR! });
    // Cut at several places: exceljs fails on some and just stops on others; both must end the same way.
    for (const cut of [0.3, 0.7]) {
      const file = join(app.dir, `cut-${cut}.xlsx`);
      writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * cut)));
      let out = '';
      const io = { out: { write: (s: string) => (out += s) }, progress: { write: () => true, isTTY: false }, now: () => NOW };
      const r = await cliImport(['roster', file], config, memoryLogger(), io);
      expect(r.code, String(cut)).toBe(1);
      expect(out).toContain('文件没能读完');
      expect(out).toContain('整份未导入');
    }
    expect(await snapshot(app)).toEqual(before);
  });

  it('draws a progress bar on a terminal and clears it before the report', async () => {
    const app = await appWithTownships();
    const file = join(app.dir, 'roster.csv');
    writeCsv(file, rosterRows(50, ['城南街道']));
    const config = loadConfig({ DATABASE_URL: await testDatabaseUrl(app.dir), ENROLLBOT_DEMO: '0', ENROLLBOT_KEY_DIR: process.env.ENROLLBOT_KEY_DIR! });
    let bar = '';
    let out = '';
    const io = { out: { write: (s: string) => (out += s) }, progress: { write: (s: string) => (bar += s), isTTY: true }, now: () => NOW };
    expect((await cliImport(['roster', file], config, memoryLogger(), io)).code).toBe(0);
    expect(bar).toMatch(/\[#+\.*\] +\d+%  \d+ rows/);
    expect(bar.endsWith('\r\x1b[K')).toBe(true);
    expect(out).toContain('读取 50 行，接收 50 行');
  });

  it('imports with the key of the database from the key folder (none beside the database), and refuses another key', async () => {
    const app = await appWithTownships();
    const file = join(app.dir, 'roster.csv');
    writeCsv(file, rosterRows(5, ['城南街道']));
    const url = await testDatabaseUrl(app.dir);
    const log = memoryLogger();
    let out = '';
    const io = { out: { write: (s: string) => (out += s) }, progress: { write: () => true, isTTY: false }, now: () => NOW };
    const config = loadConfig({ DATABASE_URL: url, ENROLLBOT_DEMO: '0', ENROLLBOT_KEY_DIR: process.env.ENROLLBOT_KEY_DIR! });
    const r = await cliImport(['roster', file], config, log, io);
    expect(r.code).toBe(0);
    expect(out).toContain('花名册（csv, utf-8）：读取 5 行，接收 5 行（新增或变更 5 行），拒收 0 行。');
    expect(readdirSync(app.dir).filter((f) => f.endsWith('key'))).toEqual([]);
    expect(readdirSync(process.env.ENROLLBOT_KEY_DIR!)).toContain(`pii-${app.pii.fingerprint}.key`);
    const r2 = await cliImport(['roster', file], config, memoryLogger(), io);
    expect(r2.report).toMatchObject({ written: 0 });
    // Another key (set, or a key folder without this database's key): refused before a row is read.
    const other = loadConfig({ DATABASE_URL: url, ENROLLBOT_DEMO: '0', ENROLLBOT_PII_KEY: 'k'.repeat(64) });
    await expect(cliImport(['roster', file], other, log, io)).rejects.toThrow(`fingerprint ${app.pii.fingerprint}`);
    const elsewhere = loadConfig({ DATABASE_URL: url, ENROLLBOT_DEMO: '0', ENROLLBOT_KEY_DIR: join(app.dir, 'no-keys') });
    await expect(cliImport(['roster', file], elsewhere, log, io)).rejects.toThrow(`pii-${app.pii.fingerprint}.key is not there`);
    expect((await cliImport(['roster'], config, log, io)).code).toBe(2);
  });
});
