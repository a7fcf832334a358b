/**
 * What a per-client limit counts. An IPv4 address counts as itself; an IPv6 address by
 * its /64, since one customer's line gets a whole /64 and could otherwise rotate through
 * 2^64 addresses. An IPv4-mapped IPv6 address counts as its IPv4 address. Anything that
 * is not an address (Cloudflare never sends one) shares a single key, so odd values
 * cannot dodge a limit.
 */
export function clientKey(ip: string): string {
  const address = ip.trim().toLowerCase();
  const v4 = ipv4(address);
  if (v4 !== null) return v4;
  const groups = ipv6Groups(address);
  if (groups === null) return 'unknown';
  const mapped = groups.slice(0, 6).join(':') === '0:0:0:0:0:65535';
  if (mapped) return [groups[6] ?? 0, groups[7] ?? 0].flatMap((g) => [g >> 8, g & 0xff]).join('.');
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** Dotted quad in its canonical form, or null. */
function ipv4(text: string): string | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number).join('.');
}

/** The eight 16-bit groups of an IPv6 address (`::`, a zone and a trailing IPv4 allowed), or null. */
function ipv6Groups(text: string): number[] | null {
  const address = text.replace(/%[\w.-]+$/, '');
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const parse = (half: string | undefined): number[] | null => {
    if (half === undefined || half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (const [i, part] of parts.entries()) {
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = ipv4(part);
        if (v4 === null) return null;
        const [a = 0, b = 0, c = 0, d = 0] = v4.split('.').map(Number);
        out.push((a << 8) | b, (c << 8) | d);
      } else if (/^[0-9a-f]{1,4}$/.test(part)) {
        out.push(parseInt(part, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  if (head === null || tail === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...Array<number>(missing).fill(0), ...tail] : null;
}
