/**
 * `npm run cli -- robot add|list|remove|test …`: the chat command `robot`,
 * run through the same dispatcher as the operator at this machine (who may
 * open the database anyway), as an admin of the root area; audited with
 * platform `cli`.
 */
import type { Config } from '../config.ts';
import type { Logger } from '../core/logger.ts';
import type { Actor } from '../domain/permissions.ts';
import { openApp } from '../app.ts';
import { getRootArea } from '../store/areas.ts';
import { renderText } from '../render/text.ts';

export const CLI_ROBOT_USAGE = `usage: npm run cli -- robot add <wecom|dingtalk|feishu> <webhook-url> [secret <secret>] for leaders [<area>] | for <township>
       npm run cli -- robot list | robot remove R<n> | robot test R<n>`;

/** Runs one `robot …` line; returns the exit code (0 done, 1 refused or failed, 2 no subcommand). */
export async function cliRobot(argv: readonly string[], config: Config, log: Logger, out: NodeJS.WritableStream): Promise<number> {
  if (argv.length === 0) {
    out.write(`${CLI_ROBOT_USAGE}\n`);
    return 2;
  }
  const app = await openApp({ config, log, seedDemo: false, consoleAdmin: false });
  try {
    const root = await getRootArea(app.database.db);
    const actor: Actor = {
      memberId: null,
      name: 'cli',
      platform: 'cli',
      externalId: 'cli',
      locale: null,
      grants: [{ role: 'admin', areaId: root.id, areaPath: root.path, areaName: root.name }],
    };
    const reply = await app.dispatcher.handle({
      platform: 'cli',
      channelId: 'cli',
      channelName: 'cli',
      userId: 'cli',
      userName: 'cli',
      messageId: null,
      direct: true,
      text: ['robot', ...argv].join(' '),
      actor,
      resolveUser: () => null,
    });
    out.write(`${renderText(reply)}\n`);
    return reply.status === 'ok' ? 0 : 1;
  } finally {
    await app.close();
  }
}
