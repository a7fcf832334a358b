/** What the server rendered into the page for its script: language, texts, data values. */
import type { Lang } from '../../lang';
import type { ClientTexts } from '../texts';

export const body = document.body;
export const lang: Lang = document.documentElement.lang.startsWith('en') ? 'en' : 'zh';
export const t: ClientTexts = JSON.parse(body.dataset.t ?? '{}');

export { fill } from '../fill';

/** A mainland mobile anywhere in `text` shown as `138****8000`: no full mobile on screen. */
export function maskMobiles(text: string): string {
  return text.replace(/(^|\D)(1[3-9]\d)\d{4}(\d{4})(?=\D|$)/g, '$1$2****$3');
}
