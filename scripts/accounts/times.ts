/**
 * Django's datetimes as D1's Unix seconds and back.
 *
 * `dumpdata` writes aware times (`2024-05-01T08:30:00.123Z`) when the shop runs with
 * USE_TZ = True and naive wall-clock times (`2024-05-01T16:30:00.123`) when USE_TZ = False.
 * A naive time is read in China Standard Time (UTC+8, the seeds' TIME_ZONE
 * 'Asia/Shanghai', which has no daylight saving).
 *
 * Export writes naive China Standard Time as well: `loaddata` stores it as is under
 * USE_TZ = False and reads it in TIME_ZONE under USE_TZ = True, whereas an aware time is
 * refused outright by Django's SQLite and MySQL backends under USE_TZ = False.
 */
export const SHOP_UTC_OFFSET_SECONDS = 8 * 60 * 60;

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Unix seconds of a Django datetime, or null when it is not one. */
export function parseDjangoTime(text: string): number | null {
  const m = DATETIME.exec(text.trim());
  if (m === null) return null;
  const [, y, mo, d, h, mi, s = '0', zone] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(wall) || new Date(wall).getUTCDate() !== Number(d)) return null;
  return Math.floor(wall / 1000) - offsetSeconds(zone);
}

/** `YYYY-MM-DDTHH:MM:SS`, naive, in the shop's time (UTC+8). */
export function formatDjangoTime(unixSeconds: number): string {
  return new Date((unixSeconds + SHOP_UTC_OFFSET_SECONDS) * 1000).toISOString().slice(0, 19);
}

function offsetSeconds(zone: string | undefined): number {
  if (zone === undefined) return SHOP_UTC_OFFSET_SECONDS;
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
}
