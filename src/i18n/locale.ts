/** The languages replies are written in. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** A text given once per locale: the compiler insists on both. */
export type Localized<T = string> = Record<Locale, T>;

/** Maps a platform's locale tag (`zh-CN`, `zh_CN`, `en-US`, `en-GB`…) to ours. */
export function toLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const t = tag.toLowerCase().replace('_', '-');
  if (t.startsWith('zh')) return 'zh-CN';
  if (t.startsWith('en')) return 'en';
  return null;
}
