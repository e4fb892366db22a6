/** What an area (township, village, district) may be called. */
import { hasControlCharacter } from './control-characters.ts';

/** The levels of the area tree, from the top. */
export type AreaKind = 'city' | 'district' | 'township' | 'village';

/** The kind of area that sits under a parent of the given kind. */
export function childKind(parent: AreaKind): AreaKind {
  return parent === 'city' ? 'district' : parent === 'district' ? 'township' : 'village';
}

/** Words that would read as part of the command grammar if used as a name. */
const RESERVED = new Set(['in', 'target', 'under', 'leaders', '在', '任务', '属于', '领导']);

/**
 * Whether a name can be used for a new area: one word (chat commands split on
 * spaces, so a name with one could never be named again), not empty, not
 * starting with a digit or `#` (those read as numbers and entry references),
 * not a grammar word, no `/` (it separates the levels of a path:
 * `城南街道/和平村`), no quotes (they mark a note), and no control character
 * (a NUL from a file).
 */
export function isValidAreaName(name: string): boolean {
  return (
    name !== '' &&
    !/[\s\u3000/／"“”「」『』＂]/u.test(name) &&
    !/^[\d#＃０-９]/.test(name) &&
    !RESERVED.has(name.toLowerCase()) &&
    !hasControlCharacter(name)
  );
}
