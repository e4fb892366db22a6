/**
 * Why a row of an import was refused: the vocabulary the import checks, the
 * report and the catalogues share (kept here so the catalogues need nothing
 * from the import code).
 */

/** Why a row of a roster or contributions file was refused. */
export type RefusalReason =
  | 'id_empty'
  | 'id_number_format'
  | 'id_format'
  | 'id_birth_date'
  | 'id_check_digit'
  | 'id_duplicate'
  | 'name_missing'
  | 'township_missing'
  | 'township_unknown'
  | 'township_ambiguous'
  | 'kind_invalid'
  | 'phone_invalid'
  | 'month_invalid'
  | 'amount_invalid'
  | 'amount_negative'
  | 'status_invalid'
  | 'supported_invalid'
  | 'category_missing'
  | 'paid_invalid';

/** Why a row of a targets file was refused (an empty township is `township_missing`). */
export const TARGET_REFUSAL_REASONS = [
  'township_name_invalid',
  'township_repeated',
  'township_several',
  'parent_unknown',
  'parent_ambiguous',
  'parent_village',
  'target_missing',
  'target_invalid',
] as const;

export type TargetRefusalReason = (typeof TARGET_REFUSAL_REASONS)[number];

/** Why a row of an official-figures file was refused (an empty township is `township_missing`, a bad amount `amount_invalid`). */
export const OFFICIAL_REFUSAL_REASONS = [
  'area_unknown',
  'area_ambiguous',
  'people_missing',
  'people_invalid',
  'as_of_invalid',
  'as_of_future',
  'as_of_before_start',
  'official_repeated',
] as const;

export type OfficialRefusalReason = (typeof OFFICIAL_REFUSAL_REASONS)[number];
