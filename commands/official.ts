/**
 * `official import <file> [<YYYY-MM-DD>]` (admin): the information
 * platform's figures of who paid, as the CLI's `import official` takes them,
 * from a file the platform hands the bot. The console hands it a path on
 * this machine; Slack and Discord cannot hand the bot a file yet, and the
 * reply says how to import it instead.
 */
import { existsSync } from 'node:fs';
import { arg } from '../src/core/args.ts';
import { defineCommand } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';
import { formatImportReport } from '../src/import/report.ts';
import { tableFormat } from '../src/import/table-source.ts';
import type { CheckedOfficialFile } from '../src/services/official.ts';

/** The platforms that hand the bot a file: the console, by its path. */
const FILE_PLATFORMS = new Set(['console']);

const importCommand = defineCommand({
  name: 'import',
  aliases: ['导入'],
  summary: {
    'zh-CN': '导入医保信息平台导出的已缴费人数（CSV 或 XLSX，按乡镇、村），整份导入或整份不导入；控制台写文件路径。',
    en: "Import the information platform's figures of people paid (CSV or XLSX, per township and village), whole or not at all; in the console give the file's path.",
  },
  permission: 'admin',
  writes: true,
  args: {
    file: arg.word({ label: { 'zh-CN': '文件', en: 'file' }, description: { 'zh-CN': '文件路径（.csv 或 .xlsx）', en: 'the file path (.csv or .xlsx)' } }),
    asOf: arg.optional(
      arg.date({ label: { 'zh-CN': 'YYYY-MM-DD', en: 'YYYY-MM-DD' }, description: { 'zh-CN': '没有日期列时的截至日期（默认今天）', en: 'the date of rows without one (default today)' } }),
    ),
  },
  async prepare(ctx, args) {
    const { t } = ctx;
    if (!FILE_PLATFORMS.has(ctx.channel.platform)) throw new Refusal(t.officialImportNoFiles({ platform: ctx.channel.platform }), { code: 'wrong_place' });
    if (!tableFormat(args.file) || !existsSync(args.file)) throw new Refusal(t.officialImportFileMissing({ file: args.file }), { code: 'not_found' });
    return ctx.official.check(args.file, args.asOf ?? null);
  },
  async run(ctx, args, prepared) {
    const checked = prepared as CheckedOfficialFile;
    const { report } = checked;
    if (report.refused > 0 || report.missingColumns.length > 0 || report.unreadableAt !== null) {
      return { status: 'refused', code: 'invalid_input', text: formatImportReport(report, ctx.t) };
    }
    const counts = await ctx.official.store(checked, args.file);
    const text = formatImportReport({ ...report, committed: true, written: counts.stored, official: counts }, ctx.t);
    return ok(counts.stored === 0 ? `${text}\n${ctx.t.officialImportNothingNew()}` : text);
  },
});

export default defineCommand({
  name: 'official',
  aliases: ['系统数据'],
  summary: {
    'zh-CN': '医保信息平台的已缴费数据：official import <文件>。',
    en: "The information platform's figures: official import <file>.",
  },
  permission: 'admin',
  writes: false,
  args: {},
  subcommands: [importCommand],
});
