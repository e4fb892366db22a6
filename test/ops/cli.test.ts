/** `npm run cli -- backup|export …` as real processes on the test database. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDir, openTestApp, type TestApp } from '../helpers/app.ts';
import { testDialect } from '../helpers/database.ts';
import { rosterRows, writeCsv } from '../helpers/lapse-files.ts';

const ROOT = join(import.meta.dirname, '../..');

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
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
