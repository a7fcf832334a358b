import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { core } from 'zod/mini';
import { AppError, isFieldMessage, type FieldMessage } from '../errors';

/** What a validator checks, kept on the middleware so GET /openapi.json describes it. */
export const VALIDATES = Symbol('validates');
export interface Validates {
  target: keyof ValidationTargets;
  schema: core.$ZodType;
}

/**
 * zValidator whose failures become `invalid_request` with one message per bad field,
 * from the shared dictionary (never zod's English text).
 */
export function validate<T extends core.$ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  const middleware = zValidator(target, schema, (result) => {
    if (!result.success) throw new AppError('invalid_request', { fields: fieldsOf(result.error.issues, result.data) });
  });
  const validates: Validates = { target, schema };
  return Object.assign(middleware, { [VALIDATES]: validates });
}

function fieldsOf(issues: readonly core.$ZodIssue[], input: unknown): Record<string, FieldMessage> {
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
