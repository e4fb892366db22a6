/**
 * Rendering for group robots: each app's limits (WeCom markdown 4096 bytes
 * and image 2 MB, DingTalk 20,000 bytes, Feishu 20 KB), lines never cut,
 * phone lines, the chart scaled down when too large, signatures as each app
 * computes them, answers read as each app means them, and sealing.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fits, fitImage, pngSize, robotBody, robotParts, DINGTALK_BODY_MAX_BYTES, FEISHU_BODY_MAX_BYTES, WECOM_IMAGE_MAX_BYTES } from '../../src/robots/render.ts';
import { readAnswer, signRequest, urlHint } from '../../src/robots/apps.ts';
import { deriveKey, digest, open, seal } from '../../src/domain/secret-box.ts';
import type { Reply } from '../../src/core/reply.ts';

/** A board-like reply of n rows. */
function board(n: number, title = '本区城乡居民医保征缴进度（第3期）'): Reply {
  return {
    status: 'ok',
    title,
    text: '',
    table: {
      columns: ['排名', '名称', '已缴/任务(人)', '完成率', '今日新增', '收缴(万元)'].map((header) => ({ header, align: 'left' as const })),
      rows: Array.from({ length: n }, (_, i) => [String(i + 1), `长名字的乡镇第${i + 1}号`, `${30_000 - i},000/40,000`, `${(90 - i / 10).toFixed(2)}%`, `+${100 + i}`, '1,234.56']),
      brief: [0, 1, 2, 3, 4],
      highlight: { top: 3, bottom: 3 },
    },
    footer: '本区合计：438,970/560,000人，完成率 78.39%\n距截止还有 39 天',
  };
}

const lines = (parts: Reply[]) => parts.flatMap((p) => p.text.split(/\n+/));

describe('robot parts', () => {
  it('splits a long WeCom board into markdown parts of at most 4096 bytes, between lines, numbered', () => {
    const parts = robotParts('wecom', board(250));
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) expect(Buffer.byteLength((robotBody('wecom', p).markdown as { content: string }).content)).toBeLessThanOrEqual(4096);
    expect(parts.map((p) => p.title)).toEqual(parts.map((_, i) => `本区城乡居民医保征缴进度（第3期） (${i + 1}/${parts.length})`));
    const all = lines(parts);
    for (let i = 1; i <= 250; i++) expect(all.filter((l) => l.includes(`长名字的乡镇第${i}号 `))).toHaveLength(1);
    expect(all.filter((l) => l.startsWith('<font color="warning">'))).toHaveLength(3);
    expect(all.at(-1)).toBe('距截止还有 39 天');
  });

  it('keeps DingTalk and Feishu bodies within their limits', () => {
    for (const [app, max] of [
      ['dingtalk', DINGTALK_BODY_MAX_BYTES],
      ['feishu', FEISHU_BODY_MAX_BYTES],
    ] as const) {
      const parts = robotParts(app, board(600));
      expect(parts.length, app).toBeGreaterThan(1);
      for (const p of parts) expect(Buffer.byteLength(JSON.stringify(robotBody(app, p)))).toBeLessThanOrEqual(max);
      const all = lines(parts);
      for (let i = 1; i <= 600; i++) expect(all.filter((l) => l.includes(`长名字的乡镇第${i}号 `))).toHaveLength(1);
    }
    // A short board is one message with its title; DingTalk titles every message.
    expect(robotParts('dingtalk', board(5))).toHaveLength(1);
    expect(robotBody('dingtalk', robotParts('dingtalk', { status: 'ok', text: '你好' })[0]!)).toMatchObject({ markdown: { title: '你好' } });
  });

  it("packs every app's parts greedily: each within its limit, every line once and in order, and no part could have taken the next line", () => {
    const separator = { wecom: '\n', dingtalk: '\n\n', feishu: '\n' } as const;
    // Cells of any width: CJK, quotes and backslashes (escaped in JSON bodies), an emoji (a surrogate pair), spaces.
    const cell = fc.string({ unit: fc.constantFrom('镇', 'a', '"', '\\', '😀', ' ', '9', '%', '\t'), minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(
        fc.constantFrom('wecom', 'dingtalk', 'feishu'),
        fc.option(fc.constantFrom('本区城乡居民医保征缴进度（第3期）', 'Board "No. 3"'), { nil: undefined }),
        fc.array(fc.tuple(fc.nat({ max: 9999 }), cell, cell), { minLength: 1, maxLength: 400 }),
        (app, title, rows) => {
          const reply: Reply = {
            status: 'ok',
            ...(title ? { title } : {}),
            text: '共 ' + rows.length + ' 行',
            table: { columns: ['排名', '名称', '备注'].map((header) => ({ header, align: 'left' as const })), rows: rows.map(([n, a, b]) => [String(n + 1), a, b]) },
          };
          const parts = robotParts(app, reply);
          const probe = title ? `${title} (99/99)` : undefined;
          const partLines = parts.map((p) => p.text.split(separator[app]));
          for (const p of parts) expect(fits(app, { status: 'ok', title: probe, text: p.text }), 'within the limit').toBe(true);
          // Every line once, in order: the one-part rendering's lines.
          const whole = robotParts(app, { ...reply, title: undefined }).map((p) => p.text.split(separator[app])).flat();
          expect(partLines.flat()).toEqual(whole);
          // Greedy: the next part's first line did not fit after this part's last.
          for (let i = 0; i + 1 < parts.length; i++) {
            const text = [...partLines[i]!, partLines[i + 1]![0]!].join(separator[app]);
            expect(fits(app, { status: 'ok', title: probe, text }), `part ${i + 1} could have taken the next line`).toBe(false);
          }
          if (title && parts.length > 1) expect(parts.map((p) => p.title)).toEqual(parts.map((_, i) => `${title} (${i + 1}/${parts.length})`));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('writes a lapse-like table one row a line, markup in names made harmless, and drops buttons', () => {
    const reply: Reply = {
      status: 'ok',
      title: '城南街道 断缴提醒',
      text: '共 2 人',
      table: { columns: ['编号', '姓名', '电话'].map((header) => ({ header, align: 'left' as const })), rows: [['L1', '张*三', '138****5678'], ['L2', '<b>李四</b>', '—']] },
      actions: [{ label: 'L1 已缴', command: 'lapse done L1 paid' }],
    };
    const [part] = robotParts('wecom', reply);
    const content = robotBody('wecom', part!).markdown as { content: string };
    expect(content.content.split('\n')).toEqual(['**城南街道 断缴提醒**', '共 2 人', '<font color="comment">编号 姓名 电话</font>', 'L1 张＊三 138＊＊＊＊5678', 'L2 ＜b＞李四＜/b＞ —']);
  });

  it('sends the chart to WeCom as an image (before the text), scaled under 2 MB when larger; not to the others', () => {
    const big = noisyPng(1100, 1000);
    expect(big.length).toBeGreaterThan(WECOM_IMAGE_MAX_BYTES);
    const reply = { ...board(10), image: { png: big, filename: 'b.png', alt: 'chart' } };
    const parts = robotParts('wecom', reply);
    expect(parts.slice(1).every((p) => !p.image)).toBe(true);
    const image = parts[0]!.image!;
    expect(image.png.length).toBeLessThanOrEqual(WECOM_IMAGE_MAX_BYTES);
    expect(pngSize(image.png).width).toBeLessThan(1100);
    const body = robotBody('wecom', parts[0]!) as { image: { base64: string; md5: string } };
    expect(createHash('md5').update(Buffer.from(body.image.base64, 'base64')).digest('hex')).toBe(body.image.md5);
    const small = noisyPng(40, 30);
    expect(fitImage({ png: small, filename: 's.png', alt: '' }, WECOM_IMAGE_MAX_BYTES).png).toBe(small);
    expect(robotParts('dingtalk', reply).some((p) => p.image)).toBe(false);
    expect(robotParts('feishu', reply).some((p) => p.image)).toBe(false);
  });
});

describe('signatures and answers', () => {
  const at = new Date('2026-12-01T08:00:00.123Z');
  it('signs DingTalk in the query: ms timestamp, URL-encoded Base64 of HMAC-SHA256(secret, ts\\nsecret)', () => {
    const signed = signRequest('dingtalk', 'https://oapi.dingtalk.com/robot/send?access_token=abc', 'SECxyz', { msgtype: 'text' }, at);
    const u = new URL(signed.url);
    expect(u.searchParams.get('timestamp')).toBe(String(at.getTime()));
    const expected = createHmac('sha256', 'SECxyz').update(`${at.getTime()}\nSECxyz`).digest('base64');
    expect(u.searchParams.get('sign')).toBe(expected);
    expect(signed.url).toContain(`sign=${encodeURIComponent(expected)}`);
  });

  it('signs Feishu in the body: s timestamp, Base64 of HMAC-SHA256 keyed ts\\nsecret over nothing', () => {
    const signed = signRequest('feishu', 'https://open.feishu.cn/open-apis/bot/v2/hook/x', 'sss', { msg_type: 'text' }, at);
    const body = JSON.parse(signed.body) as { timestamp: string; sign: string };
    const ts = String(Math.floor(at.getTime() / 1000));
    expect(body.timestamp).toBe(ts);
    expect(body.sign).toBe(createHmac('sha256', `${ts}\nsss`).update('').digest('base64'));
    expect(signRequest('feishu', 'https://h/x', null, { a: 1 }, at).body).toBe('{"a":1}');
  });

  it('reads rate limits, broken robots, quota and the rest as each app means them', () => {
    const h = (retry?: string) => ({ get: (n: string) => (n === 'retry-after' ? (retry ?? null) : null) });
    expect(readAnswer('wecom', 200, h(), '{"errcode":0,"errmsg":"ok"}').kind).toBe('ok');
    expect(readAnswer('wecom', 200, h(), '{"errcode":45009}').kind).toBe('rate');
    expect(readAnswer('wecom', 200, h(), '{"errcode":93000}')).toMatchObject({ kind: 'broken', problem: 'key' });
    expect(readAnswer('dingtalk', 200, h(), '{"errcode":130101}').kind).toBe('rate');
    expect(readAnswer('dingtalk', 200, h(), '{"errcode":660026}').kind).toBe('rate');
    expect(readAnswer('dingtalk', 200, h(), '{"errcode":90030,"errmsg":"webhook over limit"}').kind).toBe('quota');
    expect(readAnswer('dingtalk', 200, h(), '{"errcode":310000,"errmsg":"keywords not in content"}')).toMatchObject({ kind: 'broken', problem: 'keyword' });
    expect(readAnswer('dingtalk', 200, h(), '{"errcode":310000,"errmsg":"sign not match"}')).toMatchObject({ kind: 'broken', problem: 'signature' });
    expect(readAnswer('dingtalk', 200, h(), '{"errcode":310000,"errmsg":"ip X not in whitelist"}')).toMatchObject({ kind: 'broken', problem: 'ip' });
    expect(readAnswer('dingtalk', 200, h(), '{"errcode":300001,"errmsg":"token is not exist"}')).toMatchObject({ kind: 'broken', problem: 'key' });
    expect(readAnswer('feishu', 200, h(), '{"code":0,"msg":"success"}').kind).toBe('ok');
    expect(readAnswer('feishu', 200, h(), '{"StatusCode":0}').kind).toBe('ok');
    expect(readAnswer('feishu', 200, h(), '{"code":11232}').kind).toBe('rate');
    expect(readAnswer('feishu', 200, h(), '{"code":19021}')).toMatchObject({ kind: 'broken', problem: 'signature' });
    expect(readAnswer('feishu', 200, h(), '{"code":19024}')).toMatchObject({ kind: 'broken', problem: 'keyword' });
    expect(readAnswer('feishu', 429, h('7'), '')).toEqual({ kind: 'rate', retryAfterMs: 7000, code: 'HTTP 429' });
    expect(readAnswer('wecom', 503, h(), 'down').kind).toBe('retry');
    expect(readAnswer('feishu', 404, h(), '').kind).toBe('broken');
  });

  it('shows a URL by its host and the first characters of its secrets only', () => {
    expect(urlHint('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa')).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a…');
    expect(urlHint('https://open.feishu.cn/open-apis/bot/v2/hook/2f1c8a3e-5b7d-4e2a-9c6f-1a2b3c4d5e6f')).toBe('https://open.feishu.cn/open-apis/bot/v2/hook/2f1c…');
  });
});

describe('secret box', () => {
  it('seals with a fresh IV, opens with the same key only, and refuses altered text', () => {
    const key = deriveKey('the-pii-secret-of-this-deployment-0123', 'robots');
    const a = seal(key, 'https://x/?key=SECRET');
    expect(a).not.toBe(seal(key, 'https://x/?key=SECRET'));
    expect(a).not.toContain('SECRET');
    expect(open(key, a)).toBe('https://x/?key=SECRET');
    expect(() => open(deriveKey('another-secret-0000000000000000000000', 'robots'), a)).toThrow();
    expect(() => open(deriveKey('the-pii-secret-of-this-deployment-0123', 'other purpose'), a)).toThrow();
    const tampered = a.slice(0, -2) + (a.endsWith('A') ? 'BB' : 'AA');
    expect(() => open(key, tampered)).toThrow();
    expect(digest(key, 'u')).toBe(digest(key, 'u'));
    expect(digest(key, 'u')).not.toBe(digest(deriveKey('x'.repeat(32), 'robots'), 'u'));
  });
});

/** A PNG of random pixels (incompressible), for size limits. */
function noisyPng(width: number, height: number): Uint8Array {
  const raw = randomBytes((width * 3 + 1) * height);
  for (let i = 0; i < raw.length; i += width * 3 + 1) raw[i] = 0; // filter: none
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2; // RGB
  return new Uint8Array(
    Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]),
  );
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}
