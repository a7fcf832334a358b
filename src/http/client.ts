/**
 * The client a limit counts against: the `CF-Connecting-IP` address, with an IPv6 address
 * reduced to its /64 (one customer line gets a whole /64, so its 2^64 addresses are one
 * client). IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
export function clientKey(ip: string | null): string | null {
  if (ip === null) return null;
  const value = ip.trim().toLowerCase();
  if (IPV4.test(value)) return value;
  const groups = ipv6Groups(value);
  // Not an address (local development only): kept apart, without spaces, bounded.
  if (groups === null) return `raw:${value.slice(0, 64).replace(/\s/g, '_')}`;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted tail read), or null. */
function ipv6Groups(value: string): number[] | null {
  const halves = value.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && IPV4.test(piece)) {
        const [a = 0, b = 0, c = 0, d = 0] = piece.split('.').map(Number);
        out.push((a << 8) | b, (c << 8) | d);
      } else if (/^[0-9a-f]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = parse(halves[0] ?? '');
  const tail = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (head === null || tail === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...Array<number>(missing).fill(0), ...tail] : null;
}
