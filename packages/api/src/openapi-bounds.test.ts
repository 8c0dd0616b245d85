// Every value a client can send is bounded in the contract, for every operation of the served OpenAPI document:
// integers within what their column holds (int32, or a safe integer for the few bigint columns), other numbers
// with a minimum and a maximum, strings with maxLength, arrays with maxItems, maps with maxProperties, nothing
// untyped. An endpoint added later with an unbounded field fails here, naming the operation and the field.
import { INT32_MAX } from '@mc/contracts';
import { describe, expect, it } from 'vitest';
import { createApiApp, type ApiDeps } from './index';

type Schema = Record<string, any>;

/**
 * Request fields stored in `bigint` columns (packages/db schema.ts): they may go beyond int32, up to the largest
 * integer a JSON number carries exactly.
 */
const BIGINT_FIELDS = new Set(['setWorkspaceBudget body.monthlyTokenLimit', 'reportExecution body.tokensIn', 'reportExecution body.tokensOut']);
const INT32_MIN = -INT32_MAX - 1;

// The document needs no database: the app is built with nothing behind it and never called.
const document = createApiApp({ limits: { perKeyPerMinute: 1, anonPerMinute: 1, maxBodyBytes: 1 }, version: 'test' } as unknown as ApiDeps).openApiDocument() as Schema;

function resolve(s: Schema | undefined): Schema | undefined {
  let cur = s;
  for (let i = 0; cur?.$ref && i < 20; i++) cur = document.components.schemas[String(cur.$ref).split('/').pop()!];
  return cur;
}

/** The problems of one request schema, as `<where>: <what is missing>`. */
export function unboundedFields(schema: Schema | undefined, where: string, bigint: (where: string) => boolean, seen = new Set<Schema>()): string[] {
  const s = resolve(schema);
  if (!s || seen.has(s)) return [];
  const inner = new Set(seen).add(s);
  const problems: string[] = [];
  const compound = [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])] as Schema[];
  for (const part of compound) problems.push(...unboundedFields(part, where, bigint, inner));
  if (s.enum) return problems;
  switch (s.type) {
    case 'integer': {
      const [lo, hi] = bigint(where) ? [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] : [INT32_MIN, INT32_MAX];
      if (typeof s.minimum !== 'number' || s.minimum < lo) problems.push(`${where}: integer needs a minimum ≥ ${lo} (has ${s.minimum})`);
      if (typeof s.maximum !== 'number' || s.maximum > hi) problems.push(`${where}: integer needs a maximum ≤ ${hi} (has ${s.maximum})`);
      break;
    }
    case 'number':
      if (typeof s.minimum !== 'number' || typeof s.maximum !== 'number') problems.push(`${where}: number needs a minimum and a maximum`);
      break;
    case 'string':
      if (typeof s.maxLength !== 'number') problems.push(`${where}: string needs a maxLength`);
      break;
    case 'array':
      if (typeof s.maxItems !== 'number') problems.push(`${where}: array needs maxItems`);
      problems.push(...unboundedFields(s.items, `${where}[]`, bigint, inner));
      break;
    case 'object':
    case undefined:
      for (const [key, value] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
        problems.push(...unboundedFields(value, `${where}.${key}`, bigint, inner));
      }
      if (s.additionalProperties && typeof s.maxProperties !== 'number') problems.push(`${where}: a map needs maxProperties`);
      if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        problems.push(...unboundedFields(s.additionalProperties, `${where}.*`, bigint, inner));
      }
      // `{}` (z.unknown(), z.any()) accepts anything, unbounded; a description beside a $ref (allOf) is no value.
      if (s.type === undefined && !s.properties && !s.additionalProperties && !compound.length && !annotationParts.has(s)) {
        problems.push(`${where}: untyped value (accepts anything)`);
      }
      break;
    case 'boolean':
      break;
    default:
      problems.push(`${where}: unexpected type ${s.type}`);
  }
  return problems;
}

/** Metadata-only members of `allOf` beside a `$ref` (how zod-to-openapi attaches a description to a reference). */
const annotationParts = new Set<Schema>();
function collectAnnotationParts(node: unknown) {
  if (!node || typeof node !== 'object') return;
  const s = node as Schema;
  if (Array.isArray(s.allOf)) for (const p of s.allOf) if (p && typeof p === 'object' && !p.$ref) annotationParts.add(p);
  for (const v of Object.values(s)) collectAnnotationParts(v);
}
collectAnnotationParts(document);

/** Every request input of every operation: path, query and header parameters, and the JSON body. */
function requestInputs(): { where: string; schema: Schema }[] {
  const inputs: { where: string; schema: Schema }[] = [];
  for (const methods of Object.values(document.paths as Record<string, Record<string, Schema>>)) {
    for (const op of Object.values(methods)) {
      for (const p of op.parameters ?? []) inputs.push({ where: `${op.operationId} ${p.in}:${p.name}`, schema: p.schema });
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body) inputs.push({ where: `${op.operationId} body`, schema: body });
      for (const type of Object.keys(op.requestBody?.content ?? {})) {
        if (type !== 'application/json') inputs.push({ where: `${op.operationId} body (${type})`, schema: { type: 'unsupported' } });
      }
    }
  }
  return inputs;
}

describe('the OpenAPI document bounds every request input', () => {
  it('has operations with request inputs to check', () => {
    expect(requestInputs().length).toBeGreaterThan(50);
  });

  it('every integer within its column, every number, string, array and map bounded', () => {
    const problems = requestInputs().flatMap(({ where, schema }) => unboundedFields(schema, where, (w) => BIGINT_FIELDS.has(w)));
    expect(problems).toEqual([]);
  });

  it('the check catches what it is for (an unbounded integer, string, array; an int32 overflow; an untyped value)', () => {
    const int32 = () => false;
    expect(unboundedFields({ type: 'integer' }, 'x', int32)).toHaveLength(2);
    expect(unboundedFields({ type: 'integer', minimum: 0, maximum: INT32_MAX + 1 }, 'x', int32)).toEqual([expect.stringMatching(/maximum/)]);
    expect(unboundedFields({ type: 'integer', minimum: 0, maximum: INT32_MAX + 1 }, 'x', () => true)).toEqual([]);
    expect(unboundedFields({ type: 'number', minimum: 0 }, 'x', int32)).toHaveLength(1);
    expect(unboundedFields({ type: 'object', properties: { s: { type: 'string' } } }, 'x', int32)).toEqual(['x.s: string needs a maxLength']);
    expect(unboundedFields({ type: 'array', maxItems: 3, items: { type: 'array', items: { type: 'boolean' } } }, 'x', int32)).toEqual(['x[]: array needs maxItems']);
    expect(unboundedFields({ type: 'object', additionalProperties: { type: 'string', maxLength: 3 } }, 'x', int32)).toEqual(['x: a map needs maxProperties']);
    expect(unboundedFields({ type: 'object', properties: { any: {} } }, 'x body', int32)).toEqual(['x body.any: untyped value (accepts anything)']);
    expect(unboundedFields({ type: 'string', enum: ['a'] }, 'x', int32)).toEqual([]);
  });
});
