/** `npm run cli -- <subcommand>`: operations on the same database as the bot. */
import { existsSync } from 'node:fs';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { migrateToLatestOrThrow } from './db/migrate.ts';
import { commands } from '../commands/index.ts';
import { createRest, deployCommands } from './platforms/discord/deploy.ts';
import { jsonLogger } from './core/logger.ts';
import { cliImport } from './import/cli-import.ts';

const USAGE = `usage: npm run cli -- <subcommand>
  migrate                 bring the database schema up to date
  import roster <file>    import the employee-insurance roster (.csv or .xlsx)
  import contributions <file>
                          import monthly contributions (.csv or .xlsx)
  discord deploy          register /enroll with Discord (in DISCORD_GUILD_ID if set, else globally)`;

async function main(argv: string[]): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const [sub] = argv;
  if (!sub || sub === 'help' || sub === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return sub ? 0 : 2;
  }
  const config = loadConfig(process.env);
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
  if (sub === 'discord' && argv[1] === 'deploy') {
    if (!config.discord) {
      process.stderr.write('discord deploy: set DISCORD_TOKEN and DISCORD_APP_ID first\n');
      return 2;
    }
    const done = await deployCommands(createRest(config.discord), config.discord, commands);
    process.stdout.write(
      done.scope === 'guild'
        ? `registered /${done.names.join(', /')} in guild ${config.discord.guildId}\n`
        : `registered /${done.names.join(', /')} globally (Discord clients may take a while to show changes)\n`,
    );
    return 0;
  }
  if (sub === 'import') {
    const { code } = await cliImport(argv.slice(1), config, jsonLogger(config.logLevel), { out: process.stdout, progress: process.stderr });
    return code;
  }
  process.stderr.write(`unknown subcommand "${sub}"\n${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`enrollbot: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
