/** `unbind`: the current channel is no longer a leaders' or a township's channel. */
import { defineCommand } from '../src/core/command.ts';
import { Refusal } from '../src/core/refusal.ts';
import { ok } from '../src/core/reply.ts';

export default defineCommand({
  name: 'unbind',
  aliases: ['解绑'],
  summary: {
    'zh-CN': '解除当前频道的绑定：不再收到通报和提醒，尚未发出的消息取消。',
    en: 'Unbind this channel: no more boards or reminders here; messages still queued for it are cancelled.',
  },
  permission: 'admin',
  writes: true,
  args: {},
  async run(ctx) {
    const { t } = ctx;
    const unbound = await ctx.setup.unbindChannel();
    if (!unbound) throw new Refusal(t.notBound(), { code: 'not_found' });
    const { was, cancelled } = unbound;
    const area = await ctx.setup.area(was.area_id);
    const name = area?.name ?? String(was.area_id);
    await ctx.audit('channel.unbind', { kind: was.kind, area: was.area_id, name, channel: ctx.channel.name, cancelled });
    return ok(t.unbound({ kind: was.kind, area: name, cancelled }));
  },
});
