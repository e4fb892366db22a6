/** English replies read as English: no Chinese punctuation or units around the figures, one sign per change. */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, runConsoleScript, type TestApp } from '../helpers/app.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const SCRIPT = `
township add Alpha target 100
township add Beta target 100
township add Gamma target 100
township add Delta target 100
township add Epsilon target 100
township add Zeta target 100
township add One under Alpha target 10
township add One under Beta target 10
:channel lead
bind leaders
:channel alead
bind leaders Alpha
:channel a
bind Alpha
pay 12 in One
pay 3
pay 2 in Beta
pay 1 in Gamma
undo
progress
progress One
board
board post
campaign premium 380
grant bob coordinator
help
help board post
:channel lead
progress One
board
`;

describe('English output', () => {
  it('has one sign per change, English list separators and units, and no Chinese punctuation', async () => {
    app = await openTestApp({ env: { ENROLLBOT_LOCALE: 'en' } });
    const out = await runConsoleScript(app, SCRIPT);
    expect(out).toContain('One now 12/10 people, 120.00% complete, +12 today, 4,800 yuan collected.');
    expect(out).toContain('Alpha: 12/100 people, 12.00% complete, +12 today, 4,800 yuan collected, rank 1 of 6 in 本区.');
    expect(out).not.toContain('++');
    expect(out).toContain('Top three: Alpha 12.00%, Beta 2.00%, Gamma 1.00%');
    expect(out).toContain('Bottom three: Delta 0.00%, Epsilon 0.00%, Zeta 0.00%');
    expect(out).toContain('本区 total: 15/600 people, 2.50% complete, +15 today, 0.60 (10k yuan) collected.');
    expect(out).toMatch(/Rank {2}Name +Enrolled\/Target +Rate {2}Today {2}Collected \(10k yuan\)/);
    expect(out).toContain('Posted Alpha No. 1, 本区 No. 1 to 2 channel(s)');
    expect(out).toContain('Changed the standard premium to 380 yuan.');
    expect(out).toContain('"One" matches several; write one of: Alpha/One, Beta/One.');
    // Names (本区) are data; everything the bot writes around them is English.
    expect(out).not.toMatch(/[、，。：；！？（）“”【】]|万元|元(?!\S)/);
  });

  it('keeps the Chinese forms in Chinese', async () => {
    app = await openTestApp();
    const out = await runConsoleScript(app, SCRIPT);
    expect(out).toContain('One累计 12/10人，完成率 120.00%，今日 +12人，累计收缴 4,800元。');
    expect(out).toContain('前三名：Alpha 12.00%、Beta 2.00%、Gamma 1.00%');
    expect(out).toContain('本区合计：15/600人，完成率 2.50%，今日新增 +15人，收缴 0.60万元。');
    expect(out).toContain('已发布 Alpha第1期、本区第1期，共 2 个频道');
    expect(out).toContain('“One”有多个，请写其中一种：Alpha/One、Beta/One。');
  });
});
