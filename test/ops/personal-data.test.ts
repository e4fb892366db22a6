/**
 * Personal data at rest, end to end: every spelling of an ID, a phone and a
 * card typed into every free-text field and into a roster's cells, then the
 * database file, its backups, the exports, the debug log and the replies
 * scanned for any of them in clear; the key apart from the data and checked
 * by its fingerprint; owner-only files; stored replies kept only for the
 * dedupe window; an older version's clear data sealed and masked at start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { PassThrough } from 'node:stream';
import { makeDir, openTestApp, type TestApp } from '../helpers/app.ts';
import { createConsolePlatform } from '../../src/platforms/console/console-platform.ts';
import { testDialect } from '../helpers/database.ts';
import { CONTRIBUTION_HEADER, ROSTER_HEADER, writeCsv } from '../helpers/lapse-files.ts';
import { idCheckDigit } from '../../src/domain/id-number.ts';
import { importRoster } from '../../src/import/import-roster.ts';
import { importContributions } from '../../src/import/import-contributions.ts';
import { exportLedger } from '../../src/ops/export.ts';
import { backupDatabase } from '../../src/ops/backup.ts';
import { runNightlyBackup } from '../../src/ops/nightly-backup.ts';
import { sqlitePath } from '../../src/db/database.ts';
import { renderText } from '../../src/render/text.ts';
import { AT_REST_DONE } from '../../src/setup/protect-at-rest.ts';
import { parseContact } from '../../src/domain/pii-seal.ts';
import { startBackground } from '../../src/background.ts';
import { loadConfig } from '../../src/config.ts';
import type { Reply } from '../../src/core/reply.ts';

const apps: TestApp[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const NOW = new Date('2026-11-23T02:00:00Z');

function id(region: string, birth: string, seq: string): string {
  const first17 = `${region}${birth}${seq}`;
  return first17 + idCheckDigit(first17);
}

const FULL = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

// Numbers no test data has otherwise: found anywhere, they leaked.
const ID_A = id('430602', '19900101', '123');
const ID_B = id('430602', '19851212', '456');
const ID_OLD = '430602850707321';
const MOBILE_A = '13812345678';
const MOBILE_B = '13912345679';
const CARD = '6222021234567890123';

/** Every spelling the issue names, of the numbers above. */
const SPELLINGS = [
  ID_A,
  `身份证${ID_A}`,
  `ID${ID_B}`,
  `id:${ID_B}`,
  `${ID_A.slice(0, 6)} ${ID_A.slice(6, 14)} ${ID_A.slice(14)}`,
  `${ID_B.slice(0, 6)}-${ID_B.slice(6, 10)}-${ID_B.slice(10, 14)}-${ID_B.slice(14)}`,
  `${ID_A.slice(0, 6)}.${ID_A.slice(6, 14)}.${ID_A.slice(14)}`,
  FULL(ID_B),
  `旧证${ID_OLD}`,
  `电话${MOBILE_A}`,
  `tel+86${MOBILE_B}`,
  `0086 ${MOBILE_A}`,
  `86-${MOBILE_B}`,
  `手机${MOBILE_A.slice(0, 3)} ${MOBILE_A.slice(3, 7)} ${MOBILE_A.slice(7)}`,
  `${MOBILE_B.slice(0, 3)}-${MOBILE_B.slice(3, 7)}-${MOBILE_B.slice(7)}`,
  FULL(MOBILE_A),
  `卡号${CARD}`,
  `${CARD.slice(0, 4)} ${CARD.slice(4, 8)} ${CARD.slice(8, 12)} ${CARD.slice(12, 16)} ${CARD.slice(16)}`,
];

/** What must never be found: each number as digits, full-width, and each spelling as typed. */
const NEEDLES = [...new Set([ID_A, ID_B, ID_OLD, MOBILE_A, MOBILE_B, CARD, ID_A.slice(6, 14), ID_B.slice(6, 14), ...SPELLINGS, FULL(ID_A), FULL(MOBILE_B)])];

// Roster people whose names and phones must not be found in clear either.
const ROSTER_NAMES = ['欧阳清风', '司马晓月'];
const ROSTER_PHONES = ['13700001111', '13700002222'];

function leaks(haystack: string, where: string): string[] {
  return [...NEEDLES, ...ROSTER_NAMES, ...ROSTER_PHONES].filter((n) => haystack.includes(n)).map((n) => `${where}: ${n}`);
}

/** A file's text as UTF-8 (SQLite stores text as UTF-8). */
function fileText(path: string): string {
  return readFileSync(path).toString('utf8');
}

async function xlsxText(path: string): Promise<string> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  const cells: string[] = [];
  book.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => cells.push(String(c.value)))));
  return cells.join('\n');
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

async function setUp(app: TestApp) {
  for (const line of ['township add 城南街道', 'bind 城南街道', 'grant 王芳 coordinator 城南街道']) {
    expect((await app.say('admin', '城南街道', line)).status).toBe('ok');
  }
}

if (testDialect === 'sqlite') {
  describe('personal data at rest', () => {
    it('sweep: every spelling typed into every free-text field and roster cell is nowhere in clear', async () => {
      const app = await openTestApp();
      apps.push(app);
      await setUp(app);
      const replies: Reply[] = [];
      const say = async (user: string, text: string) => {
        const r = await app.say(user, '城南街道', text);
        replies.push(r);
        return r;
      };

      // The roster: names and phones sealed; IDs and phones typed into its free-text cells (单位, 网格员) masked.
      const roster = join(app.dir, 'roster.csv');
      writeCsv(roster, [
        ROSTER_HEADER,
        [ROSTER_NAMES[0]!, id('430602', '19800101', '001'), '城南街道', '单位', `某公司 法人${SPELLINGS[1]} ${SPELLINGS[9]}`, ROSTER_PHONES[0]!, `网格员 ${SPELLINGS[10]}`],
        [ROSTER_NAMES[1]!, id('430602', '19800202', '002'), '城南街道', '灵活就业', SPELLINGS[16]!, ROSTER_PHONES[1]!, SPELLINGS[4]!],
      ]);
      const contributions = join(app.dir, 'contributions.csv');
      // Someone off the roster paid October, so October counts as imported and may be screened.
      writeCsv(contributions, [
        CONTRIBUTION_HEADER,
        [id('430602', '19800101', '001'), '2026-06', '500'],
        [id('430602', '19800202', '002'), '2026-07', '500'],
        [id('430602', '19800303', '003'), '2026-10', '500'],
      ]);
      const options = { db: app.database.db, hasher: app.pii.hasher, sealer: app.pii.sealer, now: NOW, today: '2026-11-23' };
      expect((await importRoster(roster, options)).taken).toBe(2);
      expect((await importContributions(contributions, options)).taken).toBe(3);
      expect((await say('admin', 'lapse scan 2026-10')).status).toBe('ok');

      // Every free-text field, every spelling: pay notes, void reasons, follow-up notes, the campaign's name.
      for (const [i, spelling] of SPELLINGS.entries()) {
        const paid = await say('王芳', `pay 1 400 备注 ${spelling}`);
        expect(paid.status, spelling).toBe('ok');
        const ref = /#(\d+)/.exec(paid.text)![1]!;
        const voided = await say('admin', `void #${ref} 登记错了 ${spelling}`);
        expect(voided.status, spelling).toBe('ok');
        expect((await say('王芳', `lapse done L${1 + (i % 2)} 承诺 ${spelling}`)).status, spelling).toBe('ok');
        // The reply says the number was masked, in the user's language.
        for (const r of [paid, voided]) expect(r.text, spelling).toContain('已脱敏');
      }
      expect((await say('admin', `campaign name 2027年度征缴 联系${SPELLINGS[9]}`)).status).toBe('ok');
      // A refused line with a number is masked too (and says so).
      const refused = await say('王芳', `pay abc ${SPELLINGS[0]}`);
      expect(refused.status).toBe('refused');
      expect(refused.text).toContain('已脱敏');
      // What is shown of the roster: masked forms only.
      const list = await say('王芳', 'lapse');
      expect(renderText(list)).toContain('欧**风');
      expect(renderText(list)).toContain('137****1111');

      // Exports, a backup, a nightly backup, then the bytes of every file.
      const out = await makeDir();
      dirs.push(out);
      await exportLedger(app.database.db, join(out, 'ledger.csv'));
      await exportLedger(app.database.db, join(out, 'ledger.xlsx'));
      await backupDatabase(app.databaseUrl, join(out, 'copy.db'));
      const nightly = await runNightlyBackup({ databaseUrl: app.databaseUrl, dir: join(out, 'nightly'), keep: 3, now: NOW, timeZone: 'Asia/Shanghai' });
      // A nightly copy, like every backup, holds no key beside it.
      expect(readdirSync(join(out, 'nightly'))).toEqual([nightly.file.split('/').at(-1)]);

      const db = sqlitePath(app.databaseUrl);
      const found = [
        ...leaks(fileText(db), 'database'),
        ...(existsSync(`${db}-wal`) ? leaks(fileText(`${db}-wal`), 'wal') : []),
        ...leaks(fileText(join(out, 'copy.db')), 'backup'),
        ...leaks(fileText(nightly.file), 'nightly backup'),
        ...leaks(fileText(join(out, 'ledger.csv')), 'csv export'),
        ...leaks(await xlsxText(join(out, 'ledger.xlsx')), 'xlsx export'),
        ...leaks(app.log.lines.join(''), 'log'),
        ...leaks(replies.map((r) => `${renderText(r)}\n${JSON.stringify(r)}`).join('\n'), 'replies'),
      ];
      expect(found).toEqual([]);
      // The log was at debug level and had something to say.
      expect(app.log.lines.some((l) => l.includes('"level":"debug"') || l.includes('"level":"info"'))).toBe(true);

      // Masked, not dropped: the notes say what was typed, less the digits that identify.
      const notes = await app.database.db.selectFrom('ledger_entry').select('note').where('note', 'is not', null).orderBy('id').execute();
      expect(notes[1]!.note).toBe(`备注 身份证${ID_A.slice(0, 6)}********${ID_A.slice(14)}`);
      // The sealed contact opens back with the key, and only with it.
      const person = await app.database.db.selectFrom('lapse_person').select(['contact', 'name', 'phone', 'employer', 'cadre_text']).where('name_masked', '=', '欧**风').executeTakeFirstOrThrow();
      expect([person.name, person.phone]).toEqual([null, null]);
      expect(parseContact(app.pii.sealer.open(person.contact!, 'contact'))).toEqual({ name: ROSTER_NAMES[0], phone: ROSTER_PHONES[0] });
      expect(person.employer).toBe(`某公司 法人身份证${ID_A.slice(0, 6)}********${ID_A.slice(14)} 电话138****5678`);
    });

    it('the platform SDK debug log goes through the same masking', async () => {
      const { jsonLogger } = await import('../../src/core/logger.ts');
      const { boltLogger } = await import('../../src/platforms/slack/slack-app.ts');
      const lines: string[] = [];
      const bolt = boltLogger(jsonLogger('debug', { write: (s: string) => lines.push(s) }));
      for (const s of SPELLINGS) bolt.debug('http request body', { text: `/enroll pay 1 ${s}` }, s);
      expect(lines).toHaveLength(SPELLINGS.length);
      expect(leaks(lines.join(''), 'bolt debug')).toEqual([]);
    });

    it('keeps the key apart: generated into the key folder, refused when another key is given, moved there from beside an older database', async () => {
      const dir = await makeDir();
      dirs.push(dir);
      const keys = join(dir, 'keys');
      const env = { ENROLLBOT_KEY_DIR: keys };
      const app = await openTestApp({ dir, env });
      await setUp(app);
      const fingerprint = app.pii.fingerprint;
      const keyFile = join(keys, `pii-${fingerprint}.key`);
      expect(existsSync(keyFile)).toBe(true);
      expect(readdirSync(dir).filter((f) => f.includes('key'))).toEqual(['keys']);
      expect(mode(keyFile)).toBe(0o600);
      expect(mode(keys)).toBe(0o700);
      const entries = async (a: TestApp) => (await a.database.db.selectFrom('ledger_entry').select('id').execute()).length;
      await app.say('王芳', '城南街道', 'pay 1');
      await app.close();

      // Another key: refused with how to restore the right one, and nothing changed.
      const before = readFileSync(sqlitePath(app.databaseUrl));
      const wrong = openTestApp({ dir, env: { ...env, ENROLLBOT_PII_KEY: 'w'.repeat(40) } });
      await expect(wrong).rejects.toThrow(`protected with the key of fingerprint ${fingerprint}`);
      await expect(wrong).rejects.toThrow(`set ENROLLBOT_PII_KEY to the key it was used with, or put the key file pii-${fingerprint}.key back into ENROLLBOT_KEY_DIR`);
      // Its key missing (a copy started elsewhere): refused, no new key made.
      const empty = join(dir, 'empty-keys');
      await expect(openTestApp({ dir, env: { ENROLLBOT_KEY_DIR: empty } })).rejects.toThrow(`pii-${fingerprint}.key is not there`);
      expect(existsSync(empty) ? readdirSync(empty) : []).toEqual([]);
      expect(readFileSync(sqlitePath(app.databaseUrl)).equals(before)).toBe(true);
      // A key that is too short is refused by the configuration.
      expect(() => loadConfig({ ENROLLBOT_PII_KEY: 'short' })).toThrow('ENROLLBOT_PII_KEY must be at least 32 characters');
      // The key folder may not be the database's folder.
      await expect(openTestApp({ dir, env: { ENROLLBOT_KEY_DIR: dir } })).rejects.toThrow('must not be the database');

      // The right key again: it starts, with its data.
      const back = await openTestApp({ dir, env });
      apps.push(back);
      expect(back.pii.fingerprint).toBe(fingerprint);
      expect(await entries(back)).toBe(1);
      await back.close();
      apps.pop();

      // An older version's database: no fingerprint, its key beside it, clear data in its tables.
      const old = await openTestApp({ dir, env });
      apps.push(old);
      const secret = readFileSync(keyFile, 'utf8');
      await old.database.db.deleteFrom('setting').where('key', 'in', ['pii_key_fingerprint', AT_REST_DONE]).execute();
      await old.database.db
        .insertInto('lapse_person')
        .values({ id_hash: old.pii.hasher.hashId(ID_A), id_masked: 'x', name: ROSTER_NAMES[0]!, phone: ROSTER_PHONES[0]!, employer: `公司${SPELLINGS[0]}`, area_id: null, created_at: 'x', updated_at: 'x' })
        .execute();
      await old.database.db.updateTable('ledger_entry').set({ note: `旧备注 ${SPELLINGS[5]} ${SPELLINGS[11]}` }).execute();
      await old.database.db.insertInto('audit_log').values({ at: 'x', member_id: null, platform: 'console', channel_id: 'c', action: 'old', detail: JSON.stringify({ reason: SPELLINGS[3] }) }).execute();
      await old.database.db.insertInto('inbound_message').values({ source_key: 'console:old', reply: JSON.stringify({ status: 'ok', text: `旧回复 ${SPELLINGS[13]}` }), created_at: NOW.toISOString() }).execute();
      await old.close();
      apps.pop();
      rmSync(keyFile);
      const legacy = join(dir, 'enrollbot.pii-key');
      writeFileSync(legacy, secret);
      chmodSync(sqlitePath(old.databaseUrl), 0o644);

      const upgraded = await openTestApp({ dir, env });
      apps.push(upgraded);
      expect(upgraded.pii.fingerprint).toBe(fingerprint);
      expect(existsSync(legacy)).toBe(false);
      expect(readFileSync(keyFile, 'utf8')).toBe(secret);
      expect(upgraded.log.lines.join('')).toContain('moved the personal-data key out of the database folder');
      expect(upgraded.log.lines.join('')).toContain('now sealed or masked');
      const person = await upgraded.database.db.selectFrom('lapse_person').select(['name', 'phone', 'contact', 'name_masked', 'phone_masked', 'employer']).executeTakeFirstOrThrow();
      expect(person).toMatchObject({ name: null, phone: null, name_masked: '欧**风', phone_masked: '137****1111' });
      expect(parseContact(upgraded.pii.sealer.open(person.contact!, 'contact')).name).toBe(ROSTER_NAMES[0]);
      const file = sqlitePath(upgraded.databaseUrl);
      expect(mode(file)).toBe(0o600);
      expect(leaks(fileText(file), 'upgraded database')).toEqual([]);
    });

    it('writes owner-only files and folders whatever the umask: database, WAL, backups, exports, charts, keys', async () => {
      const previous = process.umask(0o000);
      try {
        const dir = await makeDir();
        dirs.push(dir);
        const app = await openTestApp({ dir: join(dir, 'data'), demo: true });
        apps.push(app);
        await app.say('admin', 'console', 'pay 1 in 城南街道');
        const file = sqlitePath(app.databaseUrl);
        expect(mode(join(dir, 'data'))).toBe(0o700);
        for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f), f).toBe(0o600);
        const out = join(dir, 'out');
        mkdirSync(out);
        await exportLedger(app.database.db, join(out, 'ledger.csv'));
        await exportLedger(app.database.db, join(out, 'ledger.xlsx'));
        await backupDatabase(app.databaseUrl, join(out, 'copy.db'));
        const nightly = await runNightlyBackup({ databaseUrl: app.databaseUrl, dir: join(dir, 'data', 'backups'), keep: 2, now: NOW, timeZone: 'Asia/Shanghai' });
        for (const f of ['ledger.csv', 'ledger.xlsx', 'copy.db']) expect(mode(join(out, f)), f).toBe(0o600);
        expect(mode(nightly.file)).toBe(0o600);
        expect(mode(join(dir, 'data', 'backups'))).toBe(0o700);
        // A chart the console saves when a board is posted to it.
        const images = join(dir, 'data', 'images');
        const console = createConsolePlatform({ dispatcher: app.dispatcher, input: new PassThrough(), output: new PassThrough(), interactive: false, imageDir: images });
        await console.post('leaders', { status: 'ok', text: 'board', image: { png: new Uint8Array([137, 80, 78, 71]), filename: 'board-1.png', alt: 'chart' } });
        const charts = readdirSync(images);
        expect(charts.length).toBeGreaterThan(0);
        expect(mode(images)).toBe(0o700);
        for (const c of charts) expect(mode(join(images, c)), c).toBe(0o600);
        // The key and its folder.
        const keyDir = process.env.ENROLLBOT_KEY_DIR!;
        expect(mode(keyDir)).toBe(0o700);
        expect(mode(join(keyDir, `pii-${app.pii.fingerprint}.key`))).toBe(0o600);
      } finally {
        process.umask(previous);
      }
    });
  });
}

describe('stored replies', () => {
  it('are kept masked, and only for the dedupe window: the background job prunes older ones', async () => {
    const app = await openTestApp({ env: { ENROLLBOT_DEDUPE_DAYS: '7' } });
    apps.push(app);
    await setUp(app);
    const first = await app.say('王芳', '城南街道', `pay 1 400 备注 ${SPELLINGS[10]}`, 'm-old');
    expect(first.status).toBe('ok');
    const stored = await app.database.db.selectFrom('inbound_message').select('reply').where('source_key', '=', 'console:m-old').executeTakeFirstOrThrow();
    expect(leaks(stored.reply, 'stored reply')).toEqual([]);
    // Within the window a retry is answered from the stored reply, nothing recorded twice.
    expect((await app.say('王芳', '城南街道', `pay 1 400 备注 ${SPELLINGS[10]}`, 'm-old')).duplicate).toBe(true);
    app.setNow(new Date(NOW.getTime() + 6 * 86_400_000));
    await app.say('王芳', '城南街道', 'pay 2', 'm-recent');
    app.setNow(new Date(NOW.getTime() + 8 * 86_400_000));
    const config = loadConfig({ DATABASE_URL: app.databaseUrl, ENROLLBOT_DEDUPE_DAYS: '7', ENROLLBOT_KEY_DIR: process.env.ENROLLBOT_KEY_DIR! });
    const later = new Date(NOW.getTime() + 8 * 86_400_000);
    const background = await startBackground({ app, config, platforms: [], log: app.log, now: () => later });
    try {
      const keys = async () => (await app.database.db.selectFrom('inbound_message').select('source_key').orderBy('source_key').execute()).map((r) => r.source_key);
      const { until } = await import('../helpers/until.ts');
      await until(async () => !(await keys()).includes('console:m-old'), () => 'the reply of m-old is pruned');
      expect(await keys()).toContain('console:m-recent');
    } finally {
      await background.stop();
    }
  });

  it('ENROLLBOT_DEDUPE_DAYS is checked at start', () => {
    expect(loadConfig({}).dedupeDays).toBe(7);
    expect(() => loadConfig({ ENROLLBOT_DEDUPE_DAYS: '0' })).toThrow('ENROLLBOT_DEDUPE_DAYS "0" must be a number of days from 1 to 90');
    expect(() => loadConfig({ ENROLLBOT_DEDUPE_DAYS: 'week' })).toThrow('ENROLLBOT_DEDUPE_DAYS');
  });
});
