import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { AppError } from '../errors';

export const MAX_BODY_BYTES = 16 * 1024;

/**
 * For routes that take a JSON body: 413 over 16 KiB (declared or streamed), 415 when it is
 * not `application/json`, `invalid_json` unless it is one JSON object. The parsed object is
 * left in Hono's body cache, so the zod validator reads it without parsing again.
 */
export const jsonBody = createMiddleware<AppEnv>(async (c, next) => {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw new AppError('payload_too_large');
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new AppError('unsupported_media_type');
  const text = await readLimited(c.req.raw, MAX_BODY_BYTES);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('invalid_json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AppError('invalid_json');
  c.req.bodyCache.json = Promise.resolve(value);
  await next();
});

async function readLimited(request: Request, limit: number): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new AppError('payload_too_large');
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(all);
  } catch {
    throw new AppError('invalid_json');
  }
}
