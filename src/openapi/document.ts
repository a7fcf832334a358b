/**
 * The OpenAPI 3.1 document of the JSON routes, built from the running app's own routes:
 * each route's request is what its validator checks, its bearer and body requirements are
 * the middleware it runs, its answers are in responses.ts. Nothing here is maintained
 * beside the routes, so the document cannot drift from what the worker does.
 */
import type { RouterRoute } from 'hono/types';
import { COMPOSED_HANDLER } from 'hono/utils/constants';
import * as z from 'zod/mini';
import { ERRORS, type ErrorCode } from '../errors';
import { requireUser } from '../http/auth';
import { jsonBody } from '../http/body';
import { bindTicket, login, mobile, nickname, password, smsCode, username } from '../http/fields';
import { VALIDATES, type Validates } from '../http/validate';
import { ANSWERS, COMPONENTS, errorBodyOf, type Answer } from './responses';

type JsonSchema = z.core.JSONSchema.BaseSchema;
type Operation = Record<string, unknown>;

/** What the field rules check in code (refinements, transforms), said in JSON Schema. */
const FIELDS = new Map<z.core.$ZodType, JsonSchema>([
  [mobile, { pattern: '^[\\s-]*(\\+?[\\s-]*8[\\s-]*6[\\s-]*)?1[\\s-]*[3-9]([\\s-]*\\d){9}[\\s-]*$', description: 'Mainland China mobile; spaces, dashes and a leading +86 or 86 are removed', examples: ['13800138000'] }],
  [password, { minLength: 8, maxLength: 64, description: '8 to 64 characters' }],
  [nickname, { minLength: 2, maxLength: 20, description: '2 to 20 characters once trimmed, no control characters' }],
  [username, { minLength: 1, maxLength: 64, description: 'A username or a mobile' }],
  [login, { minLength: 1, maxLength: 64, description: 'A username or a mobile' }],
  [smsCode, { description: 'The 6-digit code sent by POST /sms/codes' }],
  [bindTicket, { description: 'The bind_ticket of a bind_required answer' }],
]);

const JSON_BODY_ERRORS: ErrorCode[] = ['invalid_json', 'payload_too_large', 'unsupported_media_type'];
const COMPONENT_NAMES = new Map<z.core.$ZodType, string>(Object.entries(COMPONENTS).map(([name, schema]) => [schema, name]));
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export function buildDocument(routes: readonly RouterRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const [key, handlers] of routeHandlers(routes)) {
    const answer = ANSWERS[key];
    if (answer === undefined) continue; // a hosted page, not JSON
    const [method = '', path = ''] = key.split(' ');
    (paths[path] ??= {})[method.toLowerCase()] = operation(method, path, answer, handlers);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'QQ login worker',
      version: '1.0.0',
      description: 'QQ Connect login, account binding and password login at the edge. Errors answer { error: { code, message, fields? } }.',
    },
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}

/** The handlers (middleware included) of each `METHOD /path`, in the order they run. */
function routeHandlers(routes: readonly RouterRoute[]): Map<string, unknown[]> {
  const byKey = new Map<string, unknown[]>();
  for (const r of routes) {
    if (r.method === 'ALL') continue;
    const path = r.path.length > 1 ? r.path.replace(/\/$/, '') : r.path;
    const handler: unknown = Reflect.get(r.handler, COMPOSED_HANDLER) ?? r.handler;
    const key = `${r.method} ${path}`;
    byKey.set(key, [...(byKey.get(key) ?? []), handler]);
  }
  return byKey;
}

function operation(method: string, path: string, answer: Answer, handlers: unknown[]): Operation {
  const validations = handlers.flatMap((h) => {
    const v: Validates | undefined = typeof h === 'function' ? Reflect.get(h, VALIDATES) : undefined;
    return v === undefined ? [] : [v];
  });
  const bearer = handlers.includes(requireUser);
  const body = handlers.includes(jsonBody);
  const errors = new Set<ErrorCode>([
    ...answer.errors,
    ...(body ? JSON_BODY_ERRORS : []),
    ...(validations.length > 0 ? (['invalid_request'] as const) : []),
    ...(bearer ? (['unauthorized'] as const) : []),
    'internal_error',
  ]);
  const op: Operation = {
    operationId: `${method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: answer.summary,
  };
  if (bearer) op.security = [{ bearer: [] }];
  const parameters = [
    ...validations.filter((v) => v.target === 'query').flatMap((v) => queryParameters(inputSchema(v.schema))),
    ...Object.entries(answer.query ?? {}).map(([name, p]) => ({ name, in: 'query', required: p.required, description: p.description, schema: { type: 'string' } })),
  ];
  if (parameters.length > 0) op.parameters = parameters;
  const json = validations.find((v) => v.target === 'json');
  if (body) op.requestBody = { required: true, content: { 'application/json': { schema: json ? inputSchema(json.schema) : { type: 'object' } } } };
  op.responses = responses(answer, errors);
  return op;
}

function responses(answer: Answer, errors: Set<ErrorCode>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const status of [answer.status, ...(answer.alsoStatus ? [answer.alsoStatus] : [])].sort()) {
    out[String(status)] = answer.body === null ? { description: 'No content' } : { description: 'Success', content: json(bodySchema(answer.body)) };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errors) byStatus.set(ERRORS[code].status, [...(byStatus.get(ERRORS[code].status) ?? []), code]);
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const [first, ...rest] = codes;
    if (first === undefined) continue;
    const response: Record<string, unknown> = { description: codes.join(', '), content: json(outputSchema(errorBodyOf([first, ...rest]))) };
    if (status === 429) response.headers = { 'Retry-After': { description: 'Seconds until trying again makes sense', schema: { type: 'integer' } } };
    out[String(status)] = response;
  }
  return out;
}

const json = (schema: unknown) => ({ 'application/json': { schema } });

function bodySchema(schema: z.core.$ZodType): unknown {
  const name = COMPONENT_NAMES.get(schema);
  return name === undefined ? outputSchema(schema) : ref(name);
}

function componentSchemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id: name });
  const { schemas } = z.toJSONSchema(registry, { io: 'output', uri: (id) => `#/components/schemas/${id}`, override: tidy });
  return Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, withoutHeader(s)]));
}

function inputSchema(schema: z.core.$ZodType): JsonSchema {
  return withoutHeader(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', override: tidy }));
}

function outputSchema(schema: z.core.$ZodType): JsonSchema {
  return withoutHeader(z.toJSONSchema(schema, { io: 'output', override: tidy }));
}

/** Field rules the code checks; no `±2^53` bounds on every integer, no `propertyNames: string`. */
function tidy(ctx: { zodSchema: z.core.$ZodType; jsonSchema: JsonSchema }): void {
  Object.assign(ctx.jsonSchema, FIELDS.get(ctx.zodSchema));
  const names = ctx.jsonSchema.propertyNames;
  if (typeof names === 'object' && Object.keys(names).length === 1 && names.type === 'string') delete ctx.jsonSchema.propertyNames;
  if (ctx.jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete ctx.jsonSchema.minimum;
  if (ctx.jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete ctx.jsonSchema.maximum;
}

function withoutHeader(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function queryParameters(schema: JsonSchema): Operation[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: required.has(name), schema: s }));
}
