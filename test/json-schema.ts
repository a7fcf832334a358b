/**
 * A small JSON Schema (2020-12) checker for the keywords the OpenAPI document uses. An
 * unknown keyword is an error, never silently passed, so a schema this checker cannot read
 * fails the test instead of approving everything.
 */
export type Schema = { [keyword: string]: unknown };

const ANNOTATIONS = new Set(['description', 'examples', 'title', 'default', '$schema', '$id']);

/** Where `value` breaks `schema` (with `$ref`s resolved in `root`), as `path: problem` lines. */
export function check(schema: unknown, value: unknown, root: Schema, path = '$'): string[] {
  if (schema === true || (isObject(schema) && Object.keys(schema).length === 0)) return [];
  if (!isObject(schema)) throw new Error(`${path}: not a schema: ${JSON.stringify(schema)}`);
  const errors: string[] = [];
  const fail = (problem: string) => errors.push(`${path}: ${problem}`);
  for (const [keyword, rule] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    switch (keyword) {
      case '$ref':
        errors.push(...check(resolve(String(rule), root), value, root, path));
        break;
      case 'type': {
        const types = Array.isArray(rule) ? rule : [rule];
        if (!types.some((t) => hasType(value, String(t)))) fail(`expected ${types.join(' or ')}, got ${JSON.stringify(value)}`);
        break;
      }
      case 'const':
        if (JSON.stringify(value) !== JSON.stringify(rule)) fail(`expected ${JSON.stringify(rule)}`);
        break;
      case 'enum':
        if (!(rule as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify(value))) fail(`${JSON.stringify(value)} is not one of ${JSON.stringify(rule)}`);
        break;
      case 'properties':
        if (isObject(value)) {
          for (const [name, sub] of Object.entries(rule as Schema)) {
            if (name in value) errors.push(...check(sub, value[name], root, `${path}.${name}`));
          }
        }
        break;
      case 'required':
        if (isObject(value)) for (const name of rule as string[]) if (!(name in value)) fail(`missing ${name}`);
        break;
      case 'additionalProperties':
        if (isObject(value)) {
          const known = new Set(Object.keys((schema.properties as Schema | undefined) ?? {}));
          for (const [name, sub] of Object.entries(value)) {
            if (known.has(name)) continue;
            if (rule === false) fail(`unexpected property ${name}`);
            else errors.push(...check(rule, sub, root, `${path}.${name}`));
          }
        }
        break;
      case 'items':
        if (Array.isArray(value)) value.forEach((item, i) => errors.push(...check(rule, item, root, `${path}[${i}]`)));
        break;
      case 'anyOf':
        if (!(rule as unknown[]).some((sub) => check(sub, value, root, path).length === 0)) fail('matches none of anyOf');
        break;
      case 'oneOf': {
        const matching = (rule as unknown[]).filter((sub) => check(sub, value, root, path).length === 0).length;
        if (matching !== 1) fail(`matches ${matching} of oneOf, not exactly one`);
        break;
      }
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(String(rule), 'u').test(value)) fail(`does not match ${String(rule)}`);
        break;
      case 'minLength':
        if (typeof value === 'string' && [...value].length < Number(rule)) fail(`shorter than ${String(rule)}`);
        break;
      case 'maxLength':
        if (typeof value === 'string' && [...value].length > Number(rule)) fail(`longer than ${String(rule)}`);
        break;
      case 'minimum':
        if (typeof value === 'number' && value < Number(rule)) fail(`below ${String(rule)}`);
        break;
      case 'maximum':
        if (typeof value === 'number' && value > Number(rule)) fail(`above ${String(rule)}`);
        break;
      case 'exclusiveMinimum':
        if (typeof value === 'number' && value <= Number(rule)) fail(`not above ${String(rule)}`);
        break;
      case 'format':
        if (typeof value === 'string' && !FORMATS[String(rule)]?.(value)) fail(`not a ${String(rule)}`);
        break;
      default:
        throw new Error(`${path}: keyword ${keyword} is not supported by this checker`);
    }
  }
  return errors;
}

const FORMATS: Record<string, (v: string) => boolean> = {
  uri: (v) => URL.canParse(v),
  'date-time': (v) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v) && !Number.isNaN(Date.parse(v)),
};

function resolve(ref: string, root: Schema): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = isObject(node) ? node[part] : undefined;
  if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  return node;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return typeof value === type;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
