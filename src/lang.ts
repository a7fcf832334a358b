/** The two languages people are answered in. */
export type Lang = 'zh' | 'en';

/** English when Accept-Language ranks English above Chinese; Chinese otherwise. */
export function preferredLang(header: string | undefined): Lang {
  if (!header) return 'zh';
  let best: { lang: Lang; q: number } | null = null;
  for (const part of header.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const lang: Lang | null = tag.startsWith('en') ? 'en' : tag.startsWith('zh') ? 'zh' : null;
    if (lang && (best === null || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'zh';
}
