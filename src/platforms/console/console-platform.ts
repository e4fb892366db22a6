/**
 * The console: a local chat in the terminal. Interactive on a TTY; reads a
 * script from standard input otherwise and finishes when the input ends.
 * Lines starting with `:` are controls (`:user`, `:channel`, `:quit`).
 */
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createPrivateFile, ensurePrivateDir } from '../../db/private-files.ts';
import { join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Dispatcher, InboundMessage } from '../../core/dispatcher.ts';
import type { Reply } from '../../core/reply.ts';
import { renderText } from '../../render/text.ts';
import { catalogue } from '../../i18n/index.ts';
import { directUser, type Platform } from '../../core/platform-port.ts';

/**
 * A console line as the dispatcher takes it: users and channels are known by
 * name, and a user named in a command (`grant 王芳 …`) is that name. A
 * channel whose name starts with `@` (`:channel @bot`) stands for a direct
 * conversation with the bot. Also what tests and the bench use to speak as a
 * console user.
 */
export function consoleMessage(m: { user: string; channel: string; text: string; messageId: string }): InboundMessage {
  return {
    platform: 'console',
    channelId: m.channel,
    channelName: m.channel,
    userId: m.user,
    userName: m.user,
    messageId: m.messageId,
    direct: m.channel.startsWith('@'),
    text: m.text,
    resolveUser: (token) => {
      const name = token.replace(/^@/, '');
      return name ? { platform: 'console', externalId: name, displayName: name } : null;
    },
  };
}

export interface ConsoleOptions {
  dispatcher: Dispatcher;
  input: Readable;
  output: Writable;
  /** Show a prompt and echo nothing extra: true on a terminal. */
  interactive: boolean;
  /** Where images (charts) are written. */
  imageDir: string;
  user?: string;
  channel?: string;
}

/** The console platform; `finished` settles when the input ends or on `:quit`. */
export interface ConsolePlatform extends Platform {
  finished: Promise<void>;
}

export function createConsolePlatform(options: ConsoleOptions): ConsolePlatform {
  const { dispatcher, output } = options;
  const session = randomUUID().slice(0, 8);
  let user = options.user ?? 'admin';
  let channel = options.channel ?? 'console';
  let line = 0;
  let closeInput: () => void = () => {};
  let stopping = false;
  let reading = false;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));

  const write = (text: string) => output.write(`${text}\n`);

  function saveImage(reply: Reply): string | undefined {
    if (!reply.image) return undefined;
    // Charts are the bot's files like the database: owner-only.
    ensurePrivateDir(options.imageDir);
    const path = resolve(join(options.imageDir, reply.image.filename));
    createPrivateFile(path);
    writeFileSync(path, reply.image.png);
    return path;
  }

  // The console's own texts are in the locale its replies come in when the user has none of their own.
  const t = catalogue(dispatcher.localeFor({ userLocale: null }));

  async function control(text: string): Promise<boolean> {
    const [word = '', ...rest] = text.slice(1).trim().split(/\s+/);
    const value = rest.join(' ');
    switch (word) {
      case 'quit':
      case 'q':
        return false;
      case 'user':
        if (!value) {
          write(t.consoleUsage({ usage: t.consoleUserUsage(), user, channel }));
          return true;
        }
        user = value;
        write(`(${user} @ ${channel})`);
        return true;
      case 'channel': {
        const name = value.replace(/^#/, '');
        if (!name) {
          write(t.consoleUsage({ usage: t.consoleChannelUsage(), user, channel }));
          return true;
        }
        channel = name;
        write(`(${user} @ ${channel})`);
        return true;
      }
      default:
        write(t.consoleUnknownControl({ control: word }));
        return true;
    }
  }

  async function handleLine(text: string): Promise<boolean> {
    line++;
    if (!text.trim()) return true;
    if (text.trimStart().startsWith(':')) return control(text.trim());
    if (!options.interactive) write(`${user}@${channel}> ${text}`);
    const reply = await dispatcher.handle(consoleMessage({ user, channel, text, messageId: `${session}:${line}` }));
    // A private answer (Slack and Discord show it to the asker alone) is labelled as such.
    write(`${reply.private ? `${t.privateLabel()} ` : ''}${renderText(reply, saveImage(reply))}`);
    write('');
    return true;
  }

  async function start(): Promise<void> {
    const rl = createInterface({
      input: options.input,
      output: options.interactive ? output : undefined,
      terminal: options.interactive,
    });
    closeInput = () => rl.close();
    reading = true;
    const prompt = () => {
      if (options.interactive) {
        rl.setPrompt(`${user}@${channel}> `);
        rl.prompt();
      }
    };
    if (options.interactive) write(t.consoleBanner({ user, channel }));
    void (async () => {
      prompt();
      try {
        for await (const text of rl) {
          // After stop(), lines the reader had already buffered are not run.
          if (stopping || !(await handleLine(text))) break;
          prompt();
        }
      } finally {
        rl.close();
        reading = false;
        finish();
      }
    })();
  }

  return {
    name: 'console',
    finished,
    start,
    status: () => (reading ? 'connected' : 'disconnected'),
    async stop() {
      stopping = true;
      closeInput();
      await finished;
    },
    async post(channelId, reply) {
      // A direct message shows as [@name], a channel post as [#name].
      const tag = directUser(channelId) !== null ? `[${channelId}]` : `[#${channelId}]`;
      write(`${tag} ${renderText(reply, saveImage(reply)).replace(/\n/g, `\n${tag} `)}`);
      write('');
    },
  };
}
