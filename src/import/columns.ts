/** Matching a file's header row to the columns an import needs, in Chinese or English, in any order. */
import type { Cell } from './table-source.ts';

/** A column an import reads. */
export interface ColumnSpec<K extends string> {
  key: K;
  /** Header names it may have (compared after normalization). */
  names: readonly string[];
  required: boolean;
}

/** Where each column is: its index and its header as written in the file. */
export type ColumnMap<K extends string> = Record<K, { index: number; header: string } | undefined>;

/** `身份证号（必填）` → `身份证号`; `ID Number` → `id_number`; full-width folded. */
export function normalizeHeader(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\ufeff/g, '')
    .trim()
    .replace(/[(（\[【].*?[)）\]】]\s*$/u, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

export function mapColumns<K extends string>(
  header: readonly Cell[],
  specs: readonly ColumnSpec<K>[],
): { columns: ColumnMap<K>; missing: ColumnSpec<K>[] } {
  const columns = {} as ColumnMap<K>;
  header.forEach((cell, index) => {
    if (typeof cell !== 'string') return;
    const name = normalizeHeader(cell);
    const spec = specs.find((s) => s.names.some((n) => normalizeHeader(n) === name));
    if (spec && !columns[spec.key]) columns[spec.key] = { index, header: cell.trim() };
  });
  return { columns, missing: specs.filter((s) => s.required && !columns[s.key]) };
}

/** `0` → `A`, `26` → `AA`: the spreadsheet letter of a column. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export const ROSTER_COLUMNS = [
  { key: 'name', names: ['姓名', 'name'], required: true },
  { key: 'id_number', names: ['身份证号', '身份证号码', '公民身份号码', '证件号码', 'id_number', 'id'], required: true },
  { key: 'township', names: ['乡镇', '乡镇街道', '乡镇（街道）', '街道', 'township'], required: true },
  { key: 'kind', names: ['参保类型', '参保身份', 'kind', 'type'], required: true },
  { key: 'employer', names: ['单位', '单位名称', '工作单位', 'employer'], required: false },
  { key: 'phone', names: ['电话', '联系电话', '手机', '手机号', '手机号码', 'phone', 'mobile'], required: false },
  { key: 'cadre', names: ['网格员', '包户干部', '责任人', 'cadre'], required: false },
  { key: 'status', names: ['参保状态', '人员状态', '状态', 'status'], required: false },
  { key: 'supported', names: ['帮扶对象', '是否帮扶对象', 'supported'], required: false },
  { key: 'category', names: ['特殊人群', '特殊人群类别', '人群类别', 'category'], required: false },
] as const satisfies readonly ColumnSpec<string>[];

/** A named list (special groups, 包户到人 unpaid residents), as the insurance system exports it. */
export const NAMED_COLUMNS = [
  { key: 'name', names: ['姓名', 'name'], required: true },
  { key: 'id_number', names: ['身份证号', '身份证号码', '公民身份号码', '证件号码', 'id_number', 'id'], required: true },
  { key: 'township', names: ['乡镇', '乡镇街道', '乡镇（街道）', '街道', 'township'], required: true },
  { key: 'village', names: ['村', '村（社区）', '村社区', '社区', 'village'], required: false },
  { key: 'category', names: ['人群类别', '特殊人群类别', '类别', '特殊人群', 'category'], required: false },
  { key: 'cadre', names: ['包户干部', '网格员', '责任人', 'cadre'], required: false },
  { key: 'phone', names: ['电话', '联系电话', '手机', '手机号', '手机号码', 'phone', 'mobile'], required: false },
  { key: 'paid', names: ['参保状态', '缴费状态', '是否参保', '是否缴费', 'paid', 'status'], required: false },
] as const satisfies readonly ColumnSpec<string>[];

export const CONTRIBUTION_COLUMNS = [
  { key: 'id_number', names: ['身份证号', '身份证号码', '公民身份号码', '证件号码', 'id_number', 'id'], required: true },
  { key: 'month', names: ['缴费月份', '费款所属期', '所属期', '月份', 'month'], required: true },
  { key: 'amount', names: ['金额', '缴费金额', '缴费额', 'amount'], required: true },
] as const satisfies readonly ColumnSpec<string>[];

/** A targets file: one area a row, its target in people, and optionally its parent (a city's district). */
export const TARGET_COLUMNS = [
  { key: 'township', names: ['乡镇', '乡镇街道', '街道', '地区', '名称', 'township', 'area', 'name'], required: true },
  { key: 'target', names: ['目标', '目标人数', '任务', '任务数', '任务人数', '目标任务', 'target', 'people'], required: true },
  { key: 'parent', names: ['上级', '上级地区', '所属', '所属地区', '区县', 'parent', 'under'], required: false },
] as const satisfies readonly ColumnSpec<string>[];

/**
 * Official figures from the information platform's export: an area (a
 * township, with its village in a column of its own or as a path
 * `城南街道/和平村`), people paid, and optionally the amount and the date.
 */
export const OFFICIAL_COLUMNS = [
  { key: 'township', names: ['乡镇', '乡镇街道', '街道', '乡镇名称', '地区', '区域', '路径', 'township', 'area', 'path'], required: true },
  { key: 'village', names: ['村', '村社区', '社区', '村居', '村名', '村（社区）', 'village'], required: false },
  { key: 'people', names: ['已缴费人数', '参保人数', '缴费人数', '已缴人数', '已参保人数', '人数', 'paid', 'people', 'enrolled'], required: true },
  { key: 'amount', names: ['金额', '缴费金额', '已缴金额', '征收金额', '收缴金额', 'amount'], required: false },
  { key: 'as_of', names: ['截至日期', '截止日期', '统计日期', '数据日期', '日期', 'as_of', 'date'], required: false },
] as const satisfies readonly ColumnSpec<string>[];

export type OfficialColumn = (typeof OFFICIAL_COLUMNS)[number]['key'];
export type RosterColumn = (typeof ROSTER_COLUMNS)[number]['key'];
export type NamedColumn = (typeof NAMED_COLUMNS)[number]['key'];
export type ContributionColumn = (typeof CONTRIBUTION_COLUMNS)[number]['key'];
export type TargetColumn = (typeof TARGET_COLUMNS)[number]['key'];
