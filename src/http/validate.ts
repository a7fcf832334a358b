import type { ValidationTargets } from 'hono';
import { validator } from 'hono/validator';
import type * as z from 'zod/mini';
import { AppError, isFieldMessage, type FieldMessage } from '../errors';

/** What a validator checks, kept on the middleware so GET /openapi.json describes it. */
export const VALIDATES = Symbol('validates');
export interface Validates {
  target: keyof ValidationTargets;
  /** Built on first use, like the validator's own copy. */
  readonly schema: z.ZodMiniType;
}

/**
 * Validates a request part with the schema `build` returns, built on the route's first
 * request (an isolate builds only the schemas of the routes it serves, none at startup).
 * A failure is `invalid_request` with one message per bad field, from the shared
 * dictionary (never zod's English text).
 */
export function validate<T extends z.ZodMiniType, Target extends keyof ValidationTargets>(target: Target, build: () => T) {
  let schema: T | null = null;
  const schemaOf = (): T => (schema ??= build());
  const middleware = validator(target, (value): z.output<T> => {
    const result = schemaOf().safeParse(value);
    if (!result.success) throw new AppError('invalid_request', { fields: fieldsOf(result.error.issues, value) });
    return result.data;
  });
  const validates: Validates = {
    target,
    get schema() {
      return schemaOf();
    },
  };
  return Object.assign(middleware, { [VALIDATES]: validates });
}

function fieldsOf(issues: readonly z.core.$ZodIssue[], input: unknown): Record<string, FieldMessage> {
  const given = typeof input === 'object' && input !== null ? input : {};
  const fields: Record<string, FieldMessage> = {};
  for (const issue of issues) {
    const name = String(issue.path[0] ?? 'body');
    if (name in fields) continue;
    const value: unknown = Reflect.get(given, name);
    fields[name] = value === undefined || value === null || value === '' ? 'required' : isFieldMessage(name) ? name : 'invalid';
  }
  return fields;
}
