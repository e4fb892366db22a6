/** `npm run cli -- backup|export …` as real processes on the test database. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDir, openTestApp, type TestApp } from '../helpers/app.ts';
import { testDialect } from '../helpers/database.ts';
import { badCheckDigit, rosterRows, writeCsv } from '../helpers/lapse-files.ts';
import { startBot } from '../helpers/bot-process.ts';

const ROOT = join(import.meta.dirname, '../..');

function cli(args: string[], env: Record<string, string>, script = 'src/cli.ts'): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    // HOME too: a key the process generates goes to the test's temp home, never the real one.
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC', HOME: process.env.HOME!, ENROLLBOT_KEY_DIR: process.env.ENROLLBOT_KEY_DIR!, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

describe('operations CLI', () => {
  let app: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = await makeDir();
    app = await openTestApp({ dir });
    await app.say('admin', 'c', 'township add 甲镇 target 100');
    await app.say('admin', 'c', 'pay 4 in 甲镇');
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports the ledger and refuses an unknown file ending', async () => {
    const env = { DATABASE_URL: app.databaseUrl };
    const ok = await cli(['export', 'ledger', join(dir, 'ledger.csv')], env);
    expect(ok).toMatchObject({ code: 0, err: '' });
    expect(ok.out).toContain('exported 1 ledger entries');
    expect(readFileSync(join(dir, 'ledger.csv'), 'utf8').split('\r\n')[1]).toMatch(/^#\d+,缴费,甲镇,4,1600\.00,/);

    const bad = await cli(['export', 'board', join(dir, 'board.pdf')], env);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('must end in .csv or .xlsx');
    expect(existsSync(join(dir, 'board.pdf'))).toBe(false);
  });

  it('imports a roster in a real process, its reading thread included', async () => {
    const file = join(dir, 'roster.csv');
    writeCsv(file, rosterRows(40, ['甲镇']));
    const env = { DATABASE_URL: app.databaseUrl, LOG_LEVEL: 'silent' };
    const r = await cli(['import', 'roster', file], env);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('读取 40 行，接收 40 行（新增或变更 40 行），拒收 0 行。');
    const people = await app.database.db.selectFrom('lapse_person').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(people.n)).toBe(40);
  });

  it('imports targets in a real process: 0 when taken, 1 when refused, 2 for a usage mistake; the running bot sees them', async () => {
    const env = { DATABASE_URL: app.databaseUrl, LOG_LEVEL: 'silent' };
    const file = join(dir, 'targets.csv');
    writeCsv(file, [['乡镇', '目标'], ['甲镇', '1,000'], ['乙镇', '２００人']]);
    const ok = await cli(['import', 'targets', file], env);
    expect(ok).toMatchObject({ code: 0, err: '' });
    expect(ok.out).toBe('任务数（csv, utf-8）：读取 2 行，新建 1 个，更新 1 个，未变 0 个，拒收 0 行。\n已全部导入。\n');
    const board = await app.say('admin', 'c', 'board');
    expect(board.table!.rows.find((r) => r.includes('甲镇'))!.join(' ')).toContain('4/1,000');
    expect(board.table!.rows.find((r) => r.includes('乙镇'))!.join(' ')).toContain('0/200');

    writeCsv(file, [['乡镇', '目标'], ['甲镇', '1000'], ['丙镇', 'abc']]);
    const refused = await cli(['import', 'targets', file], env);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('第 3 行 B（目标）列');
    expect(refused.out).toContain('整份未导入');

    expect((await cli(['import', 'targets'], env)).code).toBe(2);
    expect((await cli(['import', 'targets', join(dir, 'targets.pdf')], env)).code).toBe(2);
  });

  it(testDialect === 'sqlite' ? 'backs up the running database' : 'points at pg_dump for a PostgreSQL database', async () => {
    const r = await cli(['backup', join(dir, 'copy.db')], { DATABASE_URL: app.databaseUrl });
    if (testDialect === 'sqlite') {
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toContain('integrity ok');
      expect(existsSync(join(dir, 'copy.db'))).toBe(true);
    } else {
      expect(r.code).toBe(2);
      expect(r.err).toContain('pg_dump');
      expect(r.err).not.toContain(new URL(app.databaseUrl).password);
    }
  });
});

/** Rows in every table: what "writes nothing at all" is checked against. */
async function everyTable(app: TestApp): Promise<Record<string, number>> {
  const tables = [
    'area', 'campaign', 'target', 'member', 'identity', 'role_grant', 'channel_binding', 'ledger_entry', 'area_total', 'area_day', 'area_total_shard', 'area_day_shard',
    'inbound_message', 'audit_log', 'setting', 'outbox', 'outbox_channel', 'board_post', 'board_standing', 'job_claim',
    'lapse_person', 'lapse_contribution', 'lapse_case', 'lapse_followup',
  ] as const;
  const out: Record<string, number> = {};
  for (const t of tables) {
    const r = await app.database.db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    out[t] = Number(r.n);
  }
  return out;
}

describe('the command line as a person meets it', () => {
  let app: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = await makeDir();
    app = await openTestApp({ dir });
    await app.say('admin', 'c', 'township add 甲镇 target 100');
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('npm start -- --help prints usage; an unknown flag is refused with 2 before anything starts', async () => {
    const url = `sqlite:${join(dir, 'never', 'bot.db')}`;
    const help = await cli(['--help'], { DATABASE_URL: url }, 'src/main.ts');
    expect(help.code).toBe(0);
    expect(help.out).toContain('usage: npm start [-- --console]');
    expect(help.out).toContain('--console');
    const bad = await cli(['--consol'], { DATABASE_URL: url }, 'src/main.ts');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('enrollbot: unknown option "--consol"');
    expect(bad.err).toContain('usage: npm start');
    expect(existsSync(join(dir, 'never'))).toBe(false);

    expect(await cli(['--help'], {})).toMatchObject({ code: 0 });
    const cliBad = await cli(['export', 'ledger', join(dir, 'x.csv'), '--force'], { DATABASE_URL: app.databaseUrl });
    expect(cliBad.code).toBe(2);
    expect(cliBad.err).toContain('enrollbot: unknown option "--force"');
    expect(existsSync(join(dir, 'x.csv'))).toBe(false);
  });

  it('names a missing export folder in words, with no stack or errno', async () => {
    const file = join(dir, 'no-such-folder', 'ledger.csv');
    const r = await cli(['export', 'ledger', file], { DATABASE_URL: app.databaseUrl });
    expect(r.code).toBe(2);
    expect(r.err).toBe(`enrollbot: cannot write ${file}: the folder ${join(dir, 'no-such-folder')} does not exist (create it first, or name another)\n`);
    expect(r.err).not.toMatch(/ENOENT|errno|\n\s+at /);
    // a file in place of a folder: the system's refusal, put in words
    const under = await cli(['backup', join(dir, 'ledger.csv', 'copy.db')], { DATABASE_URL: app.databaseUrl });
    expect(under.err).not.toMatch(/ENOENT|ENOTDIR|\n\s+at /);
  });

  it('prints human log lines on an import, JSON lines only when asked', async () => {
    const file = join(dir, 'roster-ok.csv');
    writeCsv(file, rosterRows(3, ['甲镇']));
    const env = { DATABASE_URL: app.databaseUrl }; // the database's own key, from the test's key folder
    const human = await cli(['import', 'roster', file], env);
    expect(human.code).toBe(0);
    expect(human.err).toMatch(/^info: import finished \(kind: roster, rows: 3, taken: 3, refused: 0, committed: true\)\n$/);
    const json = await cli(['import', 'roster', file, '--json'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.err.trim())).toMatchObject({ level: 'info', msg: 'import finished', kind: 'roster', rows: 3 });
    const byEnv = await cli(['import', 'roster', file], { ...env, LOG_FORMAT: 'json' });
    expect(JSON.parse(byEnv.err.trim())).toMatchObject({ msg: 'import finished' });
    expect((await cli(['import', 'roster', file], { ...env, LOG_FORMAT: 'yaml' })).err).toContain('LOG_FORMAT "yaml" must be json or text');
  });

  it('lists every refused line up to 100, then how many more, and a refused roster writes nothing at all', async () => {
    const rows = rosterRows(140, ['甲镇']);
    for (let i = 1; i <= 130; i++) rows[i]![1] = badCheckDigit(String(rows[i]![1]));
    rows[7]![2] = '乙镇'; // line 8: two problems, listed on one line
    const file = join(dir, 'roster-bad.csv');
    writeCsv(file, rows);
    // No key configured: the database's own key is found in the key folder, and a refused import adds none.
    const env: Record<string, string> = { DATABASE_URL: app.databaseUrl };
    const keysBefore = readdirSync(process.env.ENROLLBOT_KEY_DIR!).sort();
    const before = await everyTable(app);
    const r = await cli(['import', 'roster', file], env);
    expect(r.code).toBe(1);
    expect(r.out).toContain('拒收 130 行');
    expect(r.out).toContain('拒收的行（改正后重新导入整份文件）：\n  第 2 行：B（身份证号）列 身份证号校验位不对（GB 11643）\n');
    expect(r.out).toContain('  第 8 行：B（身份证号）列 身份证号校验位不对（GB 11643）；C（乡镇）列 没有这个乡镇');
    expect(r.out).toContain('  第 101 行：B（身份证号）列');
    expect(r.out).not.toContain('第 102 行：');
    expect(r.out).toContain('  ……另有 30 行拒收，未逐行列出。');
    expect(r.out).toContain('整份未导入');
    expect(await everyTable(app)).toEqual(before);
    expect(readdirSync(process.env.ENROLLBOT_KEY_DIR!).sort()).toEqual(keysBefore);
  });
});

describe('files the bot writes', () => {
  it('puts the console\'s charts beside the database (owner only), not in the folder it was started from', async () => {
    const dir = await makeDir();
    try {
      const root = readdirSync(ROOT).sort();
      const bot = await startBot({ env: { DATABASE_URL: `sqlite:${join(dir, 'data', 'enrollbot.db')}`, ENROLLBOT_DEMO: '1' } });
      bot.child.stdin.end('board post\n');
      expect((await bot.exited).code).toBe(0);
      const line = bot.stdout.find((l) => l.includes('[image]'));
      expect(line, bot.stdout.join('\n')).toBeDefined();
      const path = /\[image\] (\S+\.png)/.exec(line!)![1]!;
      expect(path.startsWith(join(dir, 'data', 'charts'))).toBe(true);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'data', 'charts')).mode & 0o777).toBe(0o700);
      expect(readdirSync(ROOT).sort()).toEqual(root);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
