/** `help`: the listing, a command's or a subcommand's details, and what a subcommand's word alone answers. */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../helpers/app.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function ask(text: string): Promise<string> {
  return (await app!.say('admin', 'console', text)).text;
}

/** The listing's lines: the usage and the other ways to write it. */
function listing(text: string): { usage: string; aliases: string[] }[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('• '))
    .map((l) => {
      const m = /^• (.*?)(?: {2}\((.*)\))?$/.exec(l)!;
      return { usage: m[1]!, aliases: m[2] ? m[2].split(/、|, /) : [] };
    });
}

describe('help', () => {
  it('lists each command once, a subcommand under its parent, and every alias it shows works as written', async () => {
    app = await openTestApp();
    const lines = listing(await ask('help'));
    const paths = lines.map((l) => l.usage.split(' <')[0]!.split(' [')[0]!);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).not.toContain('lapse-done');
    expect(lines.find((l) => l.usage === 'board post')!.aliases).toEqual(['排行 发布']);
    expect(lines.find((l) => l.usage.startsWith('lapse done'))!.aliases).toEqual(['断缴 已劝缴', '断缴 跟进', '已劝缴']);
    // Typed as shown, each alias is the command it is listed with (help names it first).
    for (const { usage, aliases } of lines) {
      for (const alias of aliases) {
        const detail = await ask(`help ${alias}`);
        expect(detail.split('\n\n')[0]!.split('\n')[0], `help ${alias}`).toBe(usage);
      }
    }
  });

  it('explains a subcommand by its English or Chinese words', async () => {
    app = await openTestApp();
    const post = 'board post\n立即向每个领导群发布一期通报（编号、图表），与定时通报相同。\n别名：排行 发布\n谁可以用：管理员';
    expect(await ask('help board post')).toBe(post);
    expect(await ask('help 排行 发布')).toBe(post);
    expect(await ask('help 通报 post')).toBe(post);
    expect(await ask('help 已劝缴')).toMatch(/^lapse done <断缴编号> <结果> \[<备注…>\]\n记录劝缴结果/);
    expect(await ask('help board')).toMatch(/^board\n[^]*\n\nboard post\n/);
    expect(await ask('help board foo')).toBe('board 没有“foo”这个子命令。发送 help board 查看用法。');
    expect(await ask('help nope')).toBe('没有“nope”这个命令。发送 help（帮助）查看全部命令。');
  });

  it('says how to write a subcommand typed alone, and runs a standalone alias with its own usage', async () => {
    app = await openTestApp();
    expect(await ask('发布')).toBe('“发布”不能单独使用，要跟在命令后面：排行 发布。发送 help（帮助）查看全部命令。');
    expect(await ask('post')).toBe('“post”不能单独使用，要跟在命令后面：board post。发送 help（帮助）查看全部命令。');
    expect(await ask('help 发布')).toBe('“发布”不能单独使用，要跟在命令后面：排行 发布。发送 help（帮助）查看全部命令。');
    expect(await ask('已劝缴')).toBe('缺少断缴编号。\n用法：lapse done <断缴编号> <结果> [<备注…>]');
  });

  it('lists in English with English separators', async () => {
    app = await openTestApp({ env: { ENROLLBOT_LOCALE: 'en' } });
    const text = await ask('help');
    expect(text).toContain('• pay <people> [<amount>] [in <township>] [<note…>]  (缴费, 收缴, 登记)');
    expect(text).toContain('• board post  (排行 发布)');
    expect(text).not.toContain('、');
    expect(await ask('help board post')).toContain('Aliases: 排行 发布\nWho: admins');
  });
});
