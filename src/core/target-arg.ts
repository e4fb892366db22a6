/**
 * A target of people (`target 城南街道 28000`, `township add … target 28000`):
 * a whole number as people write it, refused in target words (not "not a
 * positive whole number") when it is not one or is implausibly large.
 */
import type { ArgSpec } from './args.ts';
import { normalize } from './tokens.ts';
import { MAX_WHOLE_NUMBER, parseWholeNumber } from '../domain/whole-number.ts';

/** The target argument, declared once for every command that sets one. */
export function targetArg(): ArgSpec<number> {
  return {
    label: { 'zh-CN': '任务数', en: 'target' },
    description: { 'zh-CN': '任务人数，如 28000', en: 'the target in people, e.g. 28000' },
    optionType: 'integer',
    optional: false,
    parse(raw, { t }) {
      const token = normalize(raw);
      const n = parseWholeNumber(token);
      if (n !== null) return { ok: true, value: n };
      // Digits that parse once the cap is lifted: a slip of extra digits, not a malformed number.
      const digits = /^(\d{1,3}(?:,\d{3})+|\d+)人?$/.exec(token);
      if (digits) return { ok: false, message: t.targetTooLarge({ token, max: MAX_WHOLE_NUMBER.toLocaleString('en') }) };
      return { ok: false, message: t.targetInvalid({ token }) };
    },
  };
}
