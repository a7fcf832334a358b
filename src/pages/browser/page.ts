/** What the server rendered into the page for its script: language, texts, data values. */
import type { Lang } from '../../lang';
import type { ClientTexts } from '../texts';

export const body = document.body;
export const lang: Lang = document.documentElement.lang.startsWith('en') ? 'en' : 'zh';
export const t: ClientTexts = JSON.parse(body.dataset.t ?? '{}');

/** `{name}` in `text` replaced by `values.name`. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
