/**
 * The reminder posts, as neutral replies: a township's digest, a cadre's
 * own list, and the leaders' escalation. Personal data is masked here, and
 * every reply is redacted again on its way out.
 */
import type { Reply, ReplyAction } from '../core/reply.ts';
import type { LapseRules } from '../domain/lapse-rules.ts';
import type { Catalogue } from '../i18n/index.ts';
import type { AreaStageCounts, OpenCaseRow } from '../store/lapse-cases.ts';

/** Open named cases of a place, by list. */
export interface NamedCounts {
  special: number;
  unpaid: number;
}

export type StageCounts = Record<1 | 2 | 3 | 4, number>;

/** `L12`: how a case is shown and typed. */
export function caseRef(id: number): string {
  return `L${id}`;
}

export function total(counts: StageCounts): number {
  return counts[1] + counts[2] + counts[3] + counts[4];
}

/** The counts of lapses by stage, in the deployment's rules' words. */
export function countsLine(t: Catalogue, c: StageCounts, rules: LapseRules): string {
  return t.lapseCounts({ total: total(c), s1: c[1], s2: c[2], s3: c[3], s4: c[4], backPay: rules.backPayMonths, wait: rules.waitMonths });
}

/** The rules' explanation under every list: the deployment's own, else the default in the reader's language. */
export function rulesNote(t: Catalogue, rules: LapseRules): string {
  return rules.note ?? t.lapseRulesNote({ backPay: rules.backPayMonths, wait: rules.waitMonths });
}

/** The table of cases as townships and cadres see it (lapses and named cases alike). */
export function caseTable(t: Catalogue, rows: OpenCaseRow[], rules: LapseRules): Reply['table'] {
  const headers = t.lapseColumns();
  return {
    columns: headers.map((header, i) => ({ header, align: i === 4 ? 'right' : 'left' })),
    rows: rows.map((r) => [
      caseRef(r.id),
      `${r.supported ? t.lapseSupportedMark() : ''}${r.name ?? '—'}`,
      r.idMasked,
      r.phone ?? '—',
      r.kind === 'lapse' ? t.lapseMonths({ months: r.monthsLapsed }) : '—',
      r.kind === 'lapse' ? r.firstMissingMonth : (r.village ?? '—'),
      r.kind === 'lapse' ? t.lapseStageName({ stage: r.stage, months: r.monthsLapsed, wait: rules.waitMonths }) : t.caseKindCell({ kind: r.kind, category: r.category }),
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

/** Under a list: how many more, how to record a follow-up, and the rules as this deployment applies them. */
export function listFooter(t: Catalogue, shown: number, all: number, rules: LapseRules | null): string {
  return [all > shown ? t.lapseMore({ more: all - shown }) : '', t.lapseHowTo(), rules ? rulesNote(t, rules) : t.namedHowTo()].filter(Boolean).join('\n');
}

/** A township's digest: counts by stage and its cases, most urgent first. */
export function townshipDigest(input: {
  t: Catalogue;
  area: string;
  month: string;
  weekly: boolean;
  counts: StageCounts;
  rows: OpenCaseRow[];
  rules: LapseRules;
  /** How many of the counted are 帮扶对象. */
  supported: number;
}): Reply {
  const { t } = input;
  return {
    status: 'ok',
    title: t.lapseDigestTitle({ area: input.area, month: input.month, weekly: input.weekly }),
    text: [countsLine(t, input.counts, input.rules), input.supported ? t.lapseSupportedCount({ count: input.supported }) : ''].filter(Boolean).join('\n'),
    table: caseTable(t, input.rows, input.rules),
    footer: listFooter(t, input.rows.length, total(input.counts), input.rules),
    actions: caseActions(t, input.rows),
  };
}

/** A township's named unpaid people (special groups, 包户到人), posted beside its lapse digest. */
export function namedDigest(input: { t: Catalogue; area: string; month: string; counts: NamedCounts; rows: OpenCaseRow[]; rules: LapseRules }): Reply {
  const { t } = input;
  return {
    status: 'ok',
    title: t.namedDigestTitle({ area: input.area, month: input.month }),
    text: t.namedCounts(input.counts),
    table: caseTable(t, input.rows, input.rules),
    footer: listFooter(t, input.rows.length, input.counts.special + input.counts.unpaid, null),
    actions: caseActions(t, input.rows),
  };
}

/** A cadre's own cases (lapses and named people), sent to them directly. */
export function cadreDigest(input: {
  t: Catalogue;
  name: string;
  month: string;
  counts: StageCounts;
  named: NamedCounts;
  rows: OpenCaseRow[];
  rules: LapseRules;
}): Reply {
  const { t } = input;
  const all = total(input.counts) + input.named.special + input.named.unpaid;
  return {
    status: 'ok',
    title: t.lapseCadreTitle({ name: input.name, month: input.month }),
    text: [total(input.counts) ? countsLine(t, input.counts, input.rules) : '', input.named.special + input.named.unpaid ? t.namedCounts(input.named) : ''].filter(Boolean).join('\n'),
    table: caseTable(t, input.rows, input.rules),
    footer: listFooter(t, input.rows.length, all, input.rules),
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
