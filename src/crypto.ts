const encoder = new TextEncoder();

/** `bytes` random bytes from the CSPRNG, base64url without padding. */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A uniformly random string of `length` decimal digits. */
export function randomDigits(length: number): string {
  let out = '';
  const buf = new Uint32Array(1);
  while (out.length < length) {
    crypto.getRandomValues(buf);
    const n = buf[0] ?? 0;
    // Reject the top sliver of the range so every digit is equally likely.
    if (n < 4_294_967_290) out += String(n % 10);
  }
  return out;
}

export async function sha256(value: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(value))));
}

export async function sha256Hex(value: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(value))));
}

/** HMAC-SHA256 of `value` under a text key or raw key bytes (the request signers chain them). */
export async function hmacSha256(key: string | Uint8Array, value: string): Promise<Uint8Array> {
  const raw = typeof key === 'string' ? encoder.encode(key) : key;
  const k = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, encoder.encode(value)));
}

/** An HMAC-SHA256 signing key derived with HKDF-SHA256 from base64 key material under `label`. */
export async function deriveHmacKey(material: string, label: string, usages: ('sign' | 'verify')[] = ['sign']): Promise<CryptoKey> {
  const bytes = fromBase64(material.trim());
  if (bytes === null) throw new Error('key material is not base64');
  const base = await crypto.subtle.importKey('raw', bytes, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: encoder.encode(label) },
    base,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    usages,
  );
}

export function base64url(bytes: Uint8Array): string {
  return toBase64(bytes).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function fromBase64url(value: string): Uint8Array | null {
  return /^[A-Za-z0-9_-]*$/.test(value) ? fromBase64(value) : null;
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** Bytes of base64 or base64url text, padded or not; null when it is neither. */
export function fromBase64(value: string): Uint8Array | null {
  let binary: string;
  try {
    binary = atob(value.replaceAll('-', '+').replaceAll('_', '/'));
  } catch {
    return null;
  }
  // A plain loop: Uint8Array.from(string, fn) walks the string through its iterator.
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * AES-GCM sealing of QQ tokens at rest. A sealed value is `v1.<base64url(iv ‖ ciphertext)>`;
 * `context` (the openid) is authenticated, so a sealed token cannot be moved to another row.
 */
export class Sealer {
  #key: Promise<CryptoKey>;

  constructor(base64Key: string) {
    const raw = fromBase64(base64Key.trim());
    if (raw === null || raw.byteLength !== 32) throw new Error('TOKEN_ENCRYPTION_KEY must be 32 bytes of base64');
    this.#key = crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
  }

  async seal(plaintext: string, context: string): Promise<string> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: encoder.encode(context) },
      await this.#key,
      encoder.encode(plaintext),
    );
    const out = new Uint8Array(12 + sealed.byteLength);
    out.set(iv);
    out.set(new Uint8Array(sealed), 12);
    return `v1.${base64url(out)}`;
  }

  /** The plaintext, or null when the value is not ours, was tampered with or moved. */
  async open(value: string, context: string): Promise<string | null> {
    const bytes = value.startsWith('v1.') ? fromBase64url(value.slice(3)) : null;
    if (bytes === null || bytes.byteLength < 13) return null;
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: bytes.subarray(0, 12), additionalData: encoder.encode(context) },
        await this.#key,
        bytes.subarray(12),
      );
      return new TextDecoder().decode(plain);
    } catch {
      return null;
    }
  }
}

