/** JSON text as `unknown`, or null when it is not JSON: parse with a schema next. */
export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
