/** Picking a catalogue by locale. */
import { en } from './en.ts';
import type { Locale } from './locale.ts';
import { zhCN, type Catalogue } from './zh-cn.ts';

export type { Catalogue } from './zh-cn.ts';
export { toLocale, type Locale, type Localized } from './locale.ts';

const catalogues: Record<Locale, Catalogue> = { 'zh-CN': zhCN, en };

/** The catalogue of a locale. */
export function catalogue(locale: Locale): Catalogue {
  return catalogues[locale];
}
