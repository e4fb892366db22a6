/**
 * Slack's own surfaces beyond messages: the `pay` modal (opened from a
 * global shortcut or a township's "Log" button, the channel's township
 * preselected, number inputs, errors shown beside the field they concern),
 * the App Home (the user's township, their open cases with buttons, the
 * live board for leaders) and a follow-up marked done in the message it was
 * pressed in.
 */
import type { types } from '@slack/bolt';
import type { Catalogue } from '../../i18n/index.ts';
import type { Reply } from '../../core/reply.ts';
import { actionBlocks, contentBlocks } from './render.ts';

type KnownBlock = types.KnownBlock;

/** The modal's callback id, the shortcut's and the buttons' action ids. */
export const PAY_CALLBACK = 'enroll_pay';
export const PAY_SHORTCUT = 'enroll_pay_shortcut';
export const PAY_ACTION_PREFIX = 'enroll_pay_';
export const PAY_ACTION_PATTERN = /^enroll_pay_\d+$/;

/** The modal's blocks and their one action each, named so a submission and its errors can find them. */
export const PAY_BLOCKS = { township: 'township', people: 'people', amount: 'amount', note: 'note' } as const;

/** What the modal carries from where it was opened to its submission. */
export interface PayMeta {
  /** The channel it was opened in (the confirmation goes there); absent from a global shortcut. */
  channelId?: string;
}

const plain = (text: string) => ({ type: 'plain_text' as const, text: text.slice(0, 75), emoji: true });

/** The `pay` modal: township (preselected when known), people, amount (optional), note (optional). */
export function payModal(t: Catalogue, input: { townships: readonly string[]; preselected: string | null; meta: PayMeta }): types.ModalView {
  const options = [...new Set([...(input.preselected ? [input.preselected] : []), ...input.townships])].slice(0, 100).map((name) => ({ text: plain(name), value: name.slice(0, 150) }));
  const initial = options.find((o) => o.value === input.preselected);
  return {
    type: 'modal',
    callback_id: PAY_CALLBACK,
    private_metadata: JSON.stringify(input.meta),
    title: plain(t.payModalTitle()),
    submit: plain(t.payModalSubmit()),
    close: plain(t.payModalCancel()),
    blocks: [
      {
        type: 'input',
        block_id: PAY_BLOCKS.township,
        label: plain(t.payModalTownship()),
        element: { type: 'static_select', action_id: 'value', options, ...(initial ? { initial_option: initial } : {}) },
      },
      {
        type: 'input',
        block_id: PAY_BLOCKS.people,
        label: plain(t.payModalPeople()),
        element: { type: 'number_input', action_id: 'value', is_decimal_allowed: false, min_value: '1', max_value: '10000' },
      },
      {
        type: 'input',
        block_id: PAY_BLOCKS.amount,
        optional: true,
        label: plain(t.payModalAmount()),
        hint: plain(t.payModalAmountHint()),
        element: { type: 'number_input', action_id: 'value', is_decimal_allowed: true, min_value: '0.01' },
      },
      {
        type: 'input',
        block_id: PAY_BLOCKS.note,
        optional: true,
        label: plain(t.payModalNote()),
        element: { type: 'plain_text_input', action_id: 'value', max_length: 200 },
      },
    ],
  };
}

/** The values a submitted pay modal holds. */
export interface PaySubmission {
  township: string | null;
  people: string | null;
  amount: string | null;
  note: string | null;
}

type ViewState = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null }>>;

/** Reads a submission's values, whatever Slack left out. */
export function readPaySubmission(state: ViewState | undefined): PaySubmission {
  const v = (block: string) => {
    const field = state?.[block]?.value;
    const raw = field?.selected_option?.value ?? field?.value ?? null;
    return raw === null || raw === undefined || String(raw).trim() === '' ? null : String(raw).trim();
  };
  return { township: v(PAY_BLOCKS.township), people: v(PAY_BLOCKS.people), amount: v(PAY_BLOCKS.amount), note: v(PAY_BLOCKS.note) };
}

/** The PayMeta of a view, or an empty one when unreadable. */
export function payMetaOf(privateMetadata: string | undefined): PayMeta {
  try {
    const meta = JSON.parse(privateMetadata ?? '{}') as unknown;
    return meta && typeof meta === 'object' && typeof (meta as PayMeta).channelId === 'string' ? { channelId: (meta as PayMeta).channelId! } : {};
  } catch {
    return {};
  }
}

/** "Log <township>" buttons, one a township, 25 to an actions block (at most 5 blocks). */
export function payButtons(t: Catalogue, townships: readonly string[]): KnownBlock[] {
  const buttons = townships.slice(0, 125).map((name, i) => ({
    type: 'button' as const,
    action_id: `${PAY_ACTION_PREFIX}${i}`,
    text: plain(t.payButton({ township: name })),
    value: name.slice(0, 2000),
  }));
  const blocks: KnownBlock[] = [];
  for (let i = 0; i < buttons.length; i += 25) blocks.push({ type: 'actions', elements: buttons.slice(i, i + 25) });
  return blocks;
}

/** The App Home: a header, then each part present with its heading; at most 100 blocks. */
export function homeView(t: Catalogue, parts: { progress?: { reply: Reply; township: string }[]; cases?: Reply; board?: Reply }): types.HomeView {
  const blocks: KnownBlock[] = [{ type: 'header', text: plain(t.homeTitle()) }];
  const heading = (text: string) => blocks.push({ type: 'divider' }, { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } });
  if (parts.progress?.length) {
    heading(t.homeProgress());
    for (const p of parts.progress) blocks.push(...contentBlocks(p.reply), ...payButtons(t, [p.township]));
  }
  if (parts.cases) {
    heading(t.homeCases());
    blocks.push(...contentBlocks(parts.cases), ...actionBlocks(parts.cases));
  }
  if (parts.board) {
    heading(t.homeBoard());
    blocks.push(...contentBlocks(parts.board));
  }
  if (!parts.progress?.length && !parts.cases && !parts.board) blocks.push({ type: 'section', text: plain(t.homeNothing()) });
  return { type: 'home', blocks: blocks.slice(0, 100) };
}

type AnyBlock = Record<string, unknown> & { type: string };

/**
 * A message's blocks after a follow-up of case `ref` was recorded from it:
 * that case's buttons gone (so nobody records it twice by accident), its
 * row in a table block marked ✅, and a line saying who recorded what.
 */
export function markFollowUpDone(blocks: readonly AnyBlock[], ref: string, mark: string): AnyBlock[] {
  const ours = new RegExp(`^lapse done ${ref} `);
  const out: AnyBlock[] = [];
  for (const block of blocks) {
    if (block.type === 'actions' && Array.isArray(block.elements)) {
      const elements = (block.elements as { value?: string }[]).filter((e) => !(typeof e.value === 'string' && ours.test(e.value)));
      if (elements.length) out.push({ ...block, elements });
      continue;
    }
    if (block.type === 'table' && Array.isArray(block.rows)) {
      const rows = (block.rows as { type: string; text?: string }[][]).map((row) =>
        row.some((c) => c.text === ref) ? row.map((c) => (c.text === ref ? { ...c, text: `✅ ${ref}` } : c)) : row,
      );
      out.push({ ...block, rows });
      continue;
    }
    out.push(block);
  }
  // Before the buttons that are left, so they stay at the bottom.
  const firstActions = out.findIndex((b) => b.type === 'actions');
  const line: AnyBlock = { type: 'context', elements: [{ type: 'plain_text', text: mark, emoji: true }] };
  if (firstActions < 0) out.push(line);
  else out.splice(firstActions, 0, line);
  return out.slice(0, 50);
}
