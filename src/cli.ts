/** `npm run cli -- <subcommand>`: operations on the same database as the bot. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig } from './config.ts';
import { isPostgresUrl, openDatabase, sqlitePath } from './db/database.ts';
import { EnrollbotError } from './core/errors.ts';
import { migrateToLatestOrThrow } from './db/migrate.ts';
import { createLogger } from './core/logger.ts';
import { explainError } from './core/explain-error.ts';

// Each subcommand loads what it needs when it runs: exceljs and discord.js
// would add about 60 MB to a roster import's memory before it reads a row.

const USAGE = `usage: npm run cli -- <subcommand> [--json]
  migrate                 bring the database schema up to date
  import roster <file>    import the employee-insurance roster (.csv or .xlsx)
  import contributions <file>
                          import monthly contributions (.csv or .xlsx)
  import targets <file>   add townships and set their targets (.csv or .xlsx)
  import official <file> [--as-of YYYY-MM-DD]
                          the information platform's figures of who paid, per township
                          (and village); rows without a date are as of --as-of, else today
  import special <file>   the special groups (特困、低保、脱贫、监测对象) with their paid status
  import unpaid <file>    the named unpaid residents worked by cadres (包户到人)
  backup <file>           copy the SQLite database to a new file, safely while the bot runs
  export ledger <file>    the current campaign's ledger as .csv or .xlsx
  export board <file>     the board of the whole area now, as .csv or .xlsx (both sources)
  export official <file>  every official figure imported in the current campaign
  discord deploy          register /enroll with Discord (in DISCORD_GUILD_ID if set, else globally)
  outbox                  list the posts given up on after too many attempts (dead letters)
  outbox resend <id>…|all queue dead letters again, once their cause is fixed
  robot add|list|remove|test …
                          group robots (WeCom, DingTalk, Feishu), as the chat command robot

options:
  --json                  log JSON lines on stderr (as LOG_FORMAT=json does) instead of plain text
  --help                  this text
The database is DATABASE_URL (default sqlite:data/enrollbot.db), from the environment or .env.`;

/** Flags every subcommand takes; any other word starting with `-` is refused. */
const FLAGS = new Set(['--json', '--help', '-h']);

/** Refuses a file to write whose folder does not exist, naming both, before any work is done. */
function requireFolder(file: string): void {
  const folder = dirname(resolve(file));
  if (!existsSync(folder)) throw new EnrollbotError('config_invalid', `cannot write ${file}: the folder ${folder} does not exist (create it first, or name another)`);
}

/** Opens an existing database for reading (an export never creates one). */
async function openExisting(url: string) {
  if (!isPostgresUrl(url) && !existsSync(sqlitePath(url))) {
    throw new EnrollbotError('config_invalid', `there is no database at ${sqlitePath(url)} (DATABASE_URL)`);
  }
  return openDatabase(url);
}

/** Takes `--as-of <date>` (or `--as-of=<date>`) out of the words: the one option with a value. */
function takeAsOf(all: string[]): { rest: string[]; asOf: string | null | undefined } {
  const rest: string[] = [];
  let asOf: string | null | undefined;
  for (let i = 0; i < all.length; i++) {
    const a = all[i]!;
    if (a === '--as-of') asOf = all[++i] ?? null;
    else if (a.startsWith('--as-of=')) asOf = a.slice('--as-of='.length);
    else rest.push(a);
  }
  return { rest, asOf };
}

async function main(words: string[]): Promise<number> {
  const { rest: all, asOf } = takeAsOf(words);
  const unknown = all.find((a) => a.startsWith('-') && !FLAGS.has(a));
  if (unknown) {
    process.stderr.write(`enrollbot: unknown option "${unknown}"\n${USAGE}\n`);
    return 2;
  }
  const argv = all.filter((a) => !FLAGS.has(a));
  const [sub] = argv;
  if (all.includes('--help') || all.includes('-h') || sub === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (asOf !== undefined && !(sub === 'import' && argv[1] === 'official')) {
    process.stderr.write(`enrollbot: --as-of is only for import official\n${USAGE}\n`);
    return 2;
  }
  if (!sub) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  // A person at a terminal reads plain lines; JSON lines only when asked.
  const log = createLogger(all.includes('--json') ? 'json' : (config.logFormat ?? 'text'), config.logLevel);
  if (sub === 'migrate') {
    const handle = await openDatabase(config.databaseUrl);
    try {
      const results = await migrateToLatestOrThrow(handle.db);
      const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
    } finally {
      await handle.close();
    }
    return 0;
  }
  if (sub === 'backup') {
    const file = argv[1];
    if (!file || argv.length > 2) {
      process.stderr.write('usage: npm run cli -- backup <file>\n');
      return 2;
    }
    const { backupDatabase } = await import('./ops/backup.ts');
    const r = await backupDatabase(config.databaseUrl, file);
    process.stdout.write(`backup written: ${r.file} (${Math.round(r.bytes / 1024).toLocaleString('en')} KB, integrity ok)\n`);
    // The key is never in a backup: say which one the copy needs, and where it is kept.
    if (r.keyFingerprint) {
      const where = config.piiKey ? 'ENROLLBOT_PII_KEY' : `${config.keyDir}/pii-${r.keyFingerprint}.key`;
      process.stdout.write(`the backup does not hold the personal-data key: it needs the key of fingerprint ${r.keyFingerprint} (${where}); keep that key backed up apart from the backups\n`);
    }
    return 0;
  }
  if (sub === 'export') {
    const [what, file] = argv.slice(1);
    if ((what !== 'ledger' && what !== 'board' && what !== 'official') || !file || argv.length > 3) {
      process.stderr.write('usage: npm run cli -- export ledger <file> | export board <file> | export official <file>   (file ending in .csv or .xlsx)\n');
      return 2;
    }
    const { exportBoard, exportFormatOf, exportLedger, exportOfficial } = await import('./ops/export.ts');
    exportFormatOf(file); // refuse a wrong ending before touching the database
    requireFolder(file);
    const handle = await openExisting(config.databaseUrl);
    try {
      if (what === 'ledger') {
        const n = await exportLedger(handle.db, file);
        process.stdout.write(`exported ${n.toLocaleString('en')} ledger entries to ${file}\n`);
      } else if (what === 'official') {
        const n = await exportOfficial(handle.db, file);
        process.stdout.write(`exported ${n.toLocaleString('en')} official figures to ${file}\n`);
      } else {
        const n = await exportBoard(handle.db, file, new Date());
        process.stdout.write(`exported the board (${n.toLocaleString('en')} areas and the total) to ${file}\n`);
      }
    } finally {
      await handle.close();
    }
    return 0;
  }
  if (sub === 'discord' && argv[1] === 'deploy') {
    if (!config.discord) {
      process.stderr.write('discord deploy: set DISCORD_TOKEN and DISCORD_APP_ID first\n');
      return 2;
    }
    const [{ commands }, { createRest, deployCommands }] = await Promise.all([import('../commands/index.ts'), import('./platforms/discord/deploy.ts')]);
    const done = await deployCommands(createRest(config.discord), config.discord, commands);
    process.stdout.write(
      done.scope === 'guild'
        ? `registered /${done.names.join(', /')} in guild ${config.discord.guildId}\n`
        : `registered /${done.names.join(', /')} globally (Discord clients may take a while to show changes)\n`,
    );
    return 0;
  }
  if (sub === 'outbox') {
    const { cliOutbox } = await import('./outbox/cli-outbox.ts');
    const handle = await openExisting(config.databaseUrl);
    try {
      await migrateToLatestOrThrow(handle.db);
      return await cliOutbox(handle.db, argv.slice(1), {
        write: (s) => process.stdout.write(s),
        fail: (s) => process.stderr.write(s),
        now: new Date(),
      });
    } finally {
      await handle.close();
    }
  }
  if (sub === 'robot') {
    const { cliRobot } = await import('./robots/cli-robot.ts');
    return cliRobot(argv.slice(1), config, log, process.stdout);
  }
  if (sub === 'import') {
    const { cliImport } = await import('./import/cli-import.ts');
    const { code } = await cliImport(argv.slice(1), config, log, { out: process.stdout, progress: process.stderr, ...(asOf !== undefined ? { asOf } : {}) });
    return code;
  }
  process.stderr.write(`unknown subcommand "${sub}"\n${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    // The problem in words (a missing folder, a refused permission), never a stack or a bare errno;
    // a problem with what was asked (a bad file name, a missing database) is a usage error, 2.
    const { message, exitCode } = explainError(e);
    process.stderr.write(`enrollbot: ${message}\n`);
    process.exit(exitCode);
  },
);
