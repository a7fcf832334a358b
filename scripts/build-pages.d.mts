/** Builds the hosted pages' static assets into dist/pages (see build-pages.mjs). */
export function buildPages(): Promise<{ script: string; stylesheet: string }>;
