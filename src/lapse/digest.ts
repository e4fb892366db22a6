/**
 * The reminder posts, as neutral replies: a township's digest, a cadre's
 * own list, and the leaders' escalation. Personal data is masked here, and
 * every reply is redacted again on its way out.
 */
import type { Reply, ReplyAction } from '../core/reply.ts';
import type { Catalogue } from '../i18n/index.ts';
import type { AreaStageCounts, OpenCaseRow } from '../store/lapse-cases.ts';

export type StageCounts = Record<1 | 2 | 3 | 4, number>;

/** `L12`: how a case is shown and typed. */
export function caseRef(id: number): string {
  return `L${id}`;
}

export function total(counts: StageCounts): number {
  return counts[1] + counts[2] + counts[3] + counts[4];
}

function countsLine(t: Catalogue, c: StageCounts): string {
  return t.lapseCounts({ total: total(c), s1: c[1], s2: c[2], s3: c[3], s4: c[4] });
}

/** The table of cases as townships and cadres see it. */
export function caseTable(t: Catalogue, rows: OpenCaseRow[]): Reply['table'] {
  const headers = t.lapseColumns();
  return {
    columns: headers.map((header, i) => ({ header, align: i === 4 ? 'right' : 'left' })),
    rows: rows.map((r) => [
      caseRef(r.id),
      r.name ?? '—',
      r.idMasked,
      r.phone ?? '—',
      t.lapseMonths({ months: r.monthsLapsed }),
      r.firstMissingMonth,
      t.lapseStageName({ stage: r.stage }),
      r.cadre ?? '—',
    ]),
  };
}

/** Buttons for the most urgent cases: the two follow-ups recorded most. */
export function caseActions(t: Catalogue, rows: OpenCaseRow[], max = 4): ReplyAction[] {
  return rows.slice(0, max).flatMap((r) => [
    { label: t.lapseActionLabel({ ref: caseRef(r.id), outcome: t.lapseOutcomeName({ outcome: 'paid' }) }), command: `lapse done ${caseRef(r.id)} paid`, style: 'primary' as const },
    { label: t.lapseActionLabel({ ref: caseRef(r.id), outcome: t.lapseOutcomeName({ outcome: 'promised' }) }), command: `lapse done ${caseRef(r.id)} promised` },
  ]);
}

function footer(t: Catalogue, shown: number, all: number): string {
  return [all > shown ? t.lapseMore({ more: all - shown }) : '', t.lapseHowTo()].filter(Boolean).join('\n');
}

/** A township's digest: counts by stage and its cases, most urgent first. */
export function townshipDigest(input: {
  t: Catalogue;
  area: string;
  month: string;
  weekly: boolean;
  counts: StageCounts;
  rows: OpenCaseRow[];
}): Reply {
  const { t } = input;
  return {
    status: 'ok',
    title: t.lapseDigestTitle({ area: input.area, month: input.month, weekly: input.weekly }),
    text: countsLine(t, input.counts),
    table: caseTable(t, input.rows),
    footer: footer(t, input.rows.length, total(input.counts)),
    actions: caseActions(t, input.rows),
  };
}

/** A cadre's own cases, sent to them directly. */
export function cadreDigest(input: { t: Catalogue; name: string; month: string; counts: StageCounts; rows: OpenCaseRow[] }): Reply {
  const { t } = input;
  return {
    status: 'ok',
    title: t.lapseCadreTitle({ name: input.name, month: input.month }),
    text: countsLine(t, input.counts),
    table: caseTable(t, input.rows),
    footer: footer(t, input.rows.length, total(input.counts)),
    actions: caseActions(t, input.rows),
  };
}

/** A leader and the area they lead, to be named beside the townships under it. */
export interface NamedLeader {
  name: string;
  areaPath: string;
}

/**
 * The leaders' escalation: per township, how many cases need attention (in
 * their last back-pay month, or untouched too long) and the leaders who
 * answer for it. Counts only: the people themselves are listed in the
 * township's own channel, never in the leaders' channel.
 */
export function escalationDigest(input: {
  t: Catalogue;
  area: string;
  month: string;
  days: number;
  count: number;
  areas: AreaStageCounts[];
  leaders: readonly NamedLeader[];
  maxRows?: number;
}): Reply {
  const { t } = input;
  const ranked = [...input.areas].sort((a, b) => b.counts[3] - a.counts[3] || total(b.counts) - total(a.counts) || a.areaId - b.areaId);
  const shown = ranked.slice(0, input.maxRows ?? ranked.length);
  const listed = shown.reduce((n, a) => n + total(a.counts), 0);
  const leadersOf = (path: string) => [...new Set(input.leaders.filter((l) => path.startsWith(l.areaPath)).map((l) => l.name))];
  return {
    status: 'ok',
    title: t.lapseEscalationTitle({ area: input.area, month: input.month }),
    text: t.lapseEscalationText({ count: input.count, days: input.days }),
    table: {
      columns: t.lapseEscalationColumns().map((header, i) => ({ header, align: i === 1 || i === 2 ? 'right' : 'left' })),
      rows: shown.map((a) => [a.areaName, String(total(a.counts)), String(a.counts[3]), t.list({ items: leadersOf(a.areaPath) }) || '—']),
    },
    footer: input.count > listed ? t.lapseMore({ more: input.count - listed }) : undefined,
  };
}
