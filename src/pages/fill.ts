/** `{name}` in `text` replaced by `values.name`; shared by the server's pages and their script. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
