// The v1 contract as data, and the rules that say whether a change to it breaks clients.
//
// Two records are compared against committed baselines (see v1-compat.test.ts and v1-compat.int.test.ts):
//   - the OpenAPI document, flattened per operation into field paths → {type, nullable, enum, optional};
//   - recorded answers of a fixed scenario, flattened into field paths → JSON types (values vary, shapes do not).
// Both are plain JSON with sorted keys and no timestamps, so a re-recorded baseline is a reviewable diff.
//
// The rules follow the direction data flows. What a client SENDS may only get more permissive (a new optional field,
// a wider type, more enum values); what a client RECEIVES may only get richer (new fields, new operations, new
// statuses) and never lose what it reads (a field, a success status, an enum value) nor change its type. Length and
// range bounds are deliberately not compared: bounding inputs to what their column holds is hardening, not a break.

// ───────────────────────────── flattening the OpenAPI document ─────────────────────────────

/** One field of a flattened schema. Absent keys mean "no": no `optional` = required, no `enum` = any value. */
export interface Field {
  /** JSON Schema type, `a|b` for a union, `any` when unconstrained. */
  type: string;
  nullable?: true;
  optional?: true;
  enum?: (string | number | boolean)[];
}

/** Field path → field. `$` is the root; `a.b` a property; `a[]` the items of an array; `a{}` the values of a map. */
export type Fields = Record<string, Field>;

export interface OperationContract {
  operationId: string;
  /** Query and header parameters (path parameters are positional: renaming one breaks nothing). */
  parameters: Fields;
  /** The JSON body, or null when the operation takes none. `$` is optional when the body may be omitted. */
  body: Fields | null;
  /** Success statuses (2xx) with what they answer: a content type and its fields, or nothing (204). */
  success: Record<string, { contentType?: string; fields?: Fields }>;
  /** Documented error statuses; their body is the shared error envelope (`schemas.Error`). */
  errors: number[];
}

export interface DocumentContract {
  /** `METHOD /path` → the operation. */
  operations: Record<string, OperationContract>;
  /** Schemas that clients read outside any operation: the error envelope and the webhook event payloads. */
  schemas: Record<string, Fields>;
}

type Schema = Record<string, any>;
type Doc = { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, Schema> } };

/** A schema with $ref, allOf, anyOf and oneOf resolved away. `types` undefined = any type. */
interface Node {
  types?: string[];
  nullable: boolean;
  enum?: (string | number | boolean)[];
  props?: Record<string, Node>;
  required?: string[];
  items?: Node;
  additional?: Node;
}

const ANY: Node = { nullable: true };
const uniqSorted = <T>(xs: T[]) => [...new Set(xs)].sort((a, b) => String(a).localeCompare(String(b)));

function resolveRef(doc: Doc, ref: string): Schema {
  const m = /^#\/components\/schemas\/(.+)$/.exec(ref);
  const target = m && doc.components?.schemas?.[m[1]];
  if (!target) throw new Error(`unresolvable $ref ${ref}`);
  return target;
}

function normalize(doc: Doc, s: Schema | undefined, seen: string[] = []): Node {
  if (!s || typeof s !== 'object') return ANY;
  if (s.$ref) {
    // A recursive schema stops at its second visit: its shape is already recorded one level up.
    if (seen.includes(s.$ref)) return { types: ['object'], nullable: false };
    return normalize(doc, resolveRef(doc, s.$ref), [...seen, s.$ref]);
  }
  const { allOf, anyOf, oneOf, ...own } = s;
  let node = normalizePlain(doc, own, seen);
  if (Array.isArray(allOf)) node = allOf.reduce((acc: Node, b: Schema) => intersect(acc, normalize(doc, b, seen)), node);
  const alternatives = anyOf ?? oneOf;
  if (Array.isArray(alternatives) && alternatives.length) {
    node = intersect(node, alternatives.map((b: Schema) => normalize(doc, b, seen)).reduce(union));
  }
  return node;
}

function normalizePlain(doc: Doc, s: Schema, seen: string[]): Node {
  let types: string[] | undefined = s.type === undefined ? undefined : [s.type].flat();
  let nullable = s.nullable === true || !!types?.includes('null') || types === undefined;
  if (types) types = types.filter((t) => t !== 'null');
  let values: (string | number | boolean)[] | undefined;
  if (Array.isArray(s.enum)) {
    if (s.enum.includes(null)) nullable = true;
    values = (s.enum as unknown[]).filter((v): v is string | number | boolean => v !== null);
  }
  const node: Node = { types, nullable, enum: values };
  if (s.properties) {
    node.props = Object.fromEntries(Object.entries(s.properties as Record<string, Schema>).map(([k, v]) => [k, normalize(doc, v, seen)]));
    node.required = s.required ?? [];
  }
  if (s.items) node.items = normalize(doc, s.items, seen);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') node.additional = normalize(doc, s.additionalProperties, seen);
  else if (s.additionalProperties === true) node.additional = ANY;
  return node;
}

/** allOf: a value must match both. */
function intersect(a: Node, b: Node): Node {
  const types = a.types && b.types ? a.types.filter((t) => b.types!.includes(t) || (t === 'integer' && b.types!.includes('number'))) : (a.types ?? b.types);
  const values = a.enum && b.enum ? a.enum.filter((v) => b.enum!.includes(v)) : (a.enum ?? b.enum);
  const out: Node = { types, nullable: a.nullable && b.nullable, enum: values };
  if (a.props || b.props) {
    out.props = { ...a.props };
    for (const [k, v] of Object.entries(b.props ?? {})) out.props[k] = out.props[k] ? intersect(out.props[k], v) : v;
    out.required = uniqSorted([...(a.required ?? []), ...(b.required ?? [])]);
  }
  if (a.items || b.items) out.items = a.items && b.items ? intersect(a.items, b.items) : (a.items ?? b.items);
  if (a.additional || b.additional) out.additional = a.additional && b.additional ? intersect(a.additional, b.additional) : (a.additional ?? b.additional);
  return out;
}

/** anyOf / oneOf: a value matches one of them. A property is required only when every alternative requires it. */
function union(a: Node, b: Node): Node {
  const types = a.types && b.types ? uniqSorted([...a.types, ...b.types]) : undefined;
  const values = a.enum && b.enum ? uniqSorted([...a.enum, ...b.enum]) : undefined;
  const out: Node = { types, nullable: a.nullable || b.nullable, enum: values };
  if (a.props || b.props) {
    out.props = { ...a.props };
    for (const [k, v] of Object.entries(b.props ?? {})) out.props[k] = out.props[k] ? union(out.props[k], v) : v;
    out.required = (a.required ?? []).filter((k) => (b.required ?? []).includes(k));
  }
  if (a.items || b.items) out.items = a.items && b.items ? union(a.items, b.items) : (a.items ?? b.items);
  if (a.additional || b.additional) out.additional = a.additional && b.additional ? union(a.additional, b.additional) : (a.additional ?? b.additional);
  return out;
}

function flatten(node: Node, path: string, optional: boolean, out: Fields) {
  const field: Field = { type: node.types?.length ? uniqSorted(node.types).join('|') : 'any' };
  if (node.nullable && field.type !== 'any') field.nullable = true;
  if (optional) field.optional = true;
  if (node.enum) field.enum = uniqSorted(node.enum);
  out[path] = field;
  const child = (name: string) => (path === '$' ? name : `${path}.${name}`);
  for (const [k, v] of Object.entries(node.props ?? {})) flatten(v, child(k), !(node.required ?? []).includes(k), out);
  if (node.items) flatten(node.items, `${path}[]`, false, out);
  if (node.additional) flatten(node.additional, `${path}{}`, false, out);
}

export function flattenSchema(doc: Doc, schema: Schema | undefined, rootOptional = false): Fields {
  const out: Fields = {};
  flatten(normalize(doc, schema), '$', rootOptional, out);
  return out;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** The schemas clients read without calling an operation: errors and webhook events. */
const CLIENT_READ_SCHEMAS = /^(Error|DomainEvent|EventData_.+)$/;

export function documentContract(doc: Doc): DocumentContract {
  const operations: Record<string, OperationContract> = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: Schema) => (p.$ref ? resolveRef(doc, p.$ref) : p));
      // One object per location, always present, so that a first required parameter counts as new and required.
      const locations: Record<string, Schema> = {};
      for (const where of ['query', 'header']) locations[where] = { type: 'object', properties: {}, required: [] };
      for (const p of params) {
        if (p.in === 'path') continue;
        const name = p.in === 'header' ? String(p.name).toLowerCase() : String(p.name);
        const location = (locations[p.in] ??= { type: 'object', properties: {}, required: [] });
        location.properties[name] = p.schema ?? {};
        if (p.required) location.required.push(name);
      }
      const parameters = flattenSchema(doc, { type: 'object', properties: locations, required: Object.keys(locations) });
      delete parameters.$;

      let body: Fields | null = null;
      if (op.requestBody) {
        const [contentType, media] = Object.entries(op.requestBody.content ?? {})[0] ?? [];
        body = flattenSchema(doc, (media as Schema | undefined)?.schema, op.requestBody.required !== true);
        if (contentType && contentType !== 'application/json') body.$ = { ...body.$, type: `${body.$.type} as ${contentType}` };
      }

      const success: OperationContract['success'] = {};
      const errors: number[] = [];
      for (const [status, response] of Object.entries(op.responses ?? {}) as [string, Schema][]) {
        if (!/^2/.test(status)) {
          errors.push(Number(status));
          continue;
        }
        const [contentType, media] = Object.entries(response.content ?? {})[0] ?? [];
        success[status] = contentType ? { contentType, fields: flattenSchema(doc, (media as Schema).schema) } : {};
      }
      operations[`${method.toUpperCase()} ${path}`] = { operationId: op.operationId, parameters, body, success, errors: errors.sort((a, b) => a - b) };
    }
  }
  const schemas: Record<string, Fields> = {};
  for (const name of Object.keys(doc.components?.schemas ?? {})) {
    if (CLIENT_READ_SCHEMAS.test(name)) schemas[name] = flattenSchema(doc, { $ref: `#/components/schemas/${name}` });
  }
  return { operations, schemas };
}

// ───────────────────────────── comparing documents ─────────────────────────────

/** One incompatible change: where, what, and before → after. */
export interface Break {
  where: string;
  path?: string;
  problem: string;
  before?: string;
  after?: string;
}

/** Grouped by operation, then by field path; several breaks of one field keep the order they were found in. */
export function sortBreaks(breaks: Break[]): Break[] {
  const order = (b: Break) => `${b.where}\u0000${b.path ?? ''}`;
  return [...breaks].sort((x, y) => (order(x) < order(y) ? -1 : order(x) > order(y) ? 1 : 0));
}

export function describeBreak(b: Break): string {
  const change = b.before !== undefined || b.after !== undefined ? ` (before: ${b.before ?? '—'}; now: ${b.after ?? '—'})` : '';
  return `${b.where}${b.path ? ` › ${b.path}` : ''}: ${b.problem}${change}`;
}

/** A readable report of every break, one per line, or '' when there are none. */
export function formatBreaks(title: string, breaks: Break[]): string {
  if (!breaks.length) return '';
  return [`${title}: ${breaks.length} incompatible change(s) to API v1:`, ...breaks.map((b) => `  ✗ ${describeBreak(b)}`)].join('\n');
}

const show = (f: Field | undefined) =>
  f ? `${f.type}${f.nullable ? '|null' : ''}${f.enum ? ` ${JSON.stringify(f.enum)}` : ''}${f.optional ? ' (optional)' : ''}` : 'absent';

/** Types as sets, with integer ⊂ number. */
function typeWithin(inner: string, outer: string): boolean {
  if (outer === 'any') return true;
  if (inner === 'any') return false;
  const outerTypes = outer.split('|');
  return inner.split('|').every((t) => outerTypes.includes(t) || (t === 'integer' && outerTypes.includes('number')));
}

const parentOf = (path: string) => {
  const m = /^(.*?)(\[\]|\{\}|\.[^.[\]{}]+)$/.exec(path);
  return m ? m[1] : '$';
};

/**
 * What a client receives: it may gain fields, narrow types and gain enum values; it must not lose a field, let a
 * required field go missing, widen a type (or become nullable), or lose an enum value.
 */
export function compareOutput(where: string, before: Fields, after: Fields): Break[] {
  const breaks: Break[] = [];
  for (const [path, b] of Object.entries(before)) {
    const a = after[path];
    if (!a) {
      // Name a likely rename: a new field beside it with the same description.
      const twin = Object.keys(after).find((p) => !before[p] && parentOf(p) === parentOf(path) && show({ ...after[p], optional: undefined }) === show({ ...b, optional: undefined }));
      breaks.push({ where, path, problem: twin ? `field removed (renamed to \`${twin}\`?)` : 'field removed', before: show(b), after: 'absent' });
      continue;
    }
    if (a.optional && !b.optional) breaks.push({ where, path, problem: 'field became optional: clients may no longer receive it', before: show(b), after: show(a) });
    if (!typeWithin(a.type, b.type)) breaks.push({ where, path, problem: 'type changed', before: show(b), after: show(a) });
    else if (a.nullable && !b.nullable) breaks.push({ where, path, problem: 'field became nullable', before: show(b), after: show(a) });
    if (b.enum) {
      if (!a.enum) breaks.push({ where, path, problem: 'enum removed: any value may now come back', before: show(b), after: show(a) });
      else {
        const lost = b.enum.filter((v) => !a.enum!.includes(v));
        if (lost.length) breaks.push({ where, path, problem: `enum value(s) removed: ${lost.map((v) => JSON.stringify(v)).join(', ')}`, before: show(b), after: show(a) });
      }
    }
  }
  return breaks;
}

/**
 * What a client sends: it may gain optional fields, wider types and more enum values; it must not lose a field
 * (strict bodies refuse unknown fields), require a field that was optional or new, narrow a type or lose an enum value.
 */
export function compareInput(where: string, before: Fields, after: Fields): Break[] {
  const breaks: Break[] = [];
  for (const [path, b] of Object.entries(before)) {
    const a = after[path];
    if (!a) {
      // A field that lived under an unconstrained (`any`) parent is still accepted.
      if (!Object.keys(before).some((p) => p !== path && path.startsWith(p) && after[p]?.type === 'any')) {
        breaks.push({ where, path, problem: 'no longer accepted: clients that send it are refused or ignored', before: show(b), after: 'absent' });
      }
      continue;
    }
    if (!a.optional && b.optional) breaks.push({ where, path, problem: 'became required', before: show(b), after: show(a) });
    if (!typeWithin(b.type, a.type)) breaks.push({ where, path, problem: 'type narrowed', before: show(b), after: show(a) });
    else if (b.nullable && !a.nullable) breaks.push({ where, path, problem: 'no longer accepts null', before: show(b), after: show(a) });
    if (a.enum) {
      const lost = b.enum ? b.enum.filter((v) => !a.enum!.includes(v)) : null;
      if (!lost) breaks.push({ where, path, problem: 'restricted to an enum', before: show(b), after: show(a) });
      else if (lost.length) breaks.push({ where, path, problem: `enum value(s) no longer accepted: ${lost.map((v) => JSON.stringify(v)).join(', ')}`, before: show(b), after: show(a) });
    }
  }
  for (const [path, a] of Object.entries(after)) {
    // A new required field breaks clients only where they already send the object holding it.
    if (!before[path] && !a.optional && before[parentOf(path)]) {
      breaks.push({ where, path, problem: 'new required field', before: 'absent', after: show(a) });
    }
  }
  return breaks;
}

/** Operations are matched by method and path shape: renaming `{id}` in a path breaks nobody. */
const pathShape = (key: string) => key.replace(/\{[^}]+\}/g, '{}');

export function compareDocuments(before: DocumentContract, after: DocumentContract): Break[] {
  const breaks: Break[] = [];
  const afterByShape = new Map(Object.entries(after.operations).map(([k, v]) => [pathShape(k), v]));
  for (const [key, b] of Object.entries(before.operations)) {
    const where = `${key} (${b.operationId})`;
    const a = afterByShape.get(pathShape(key));
    if (!a) {
      breaks.push({ where, problem: 'operation removed' });
      continue;
    }
    breaks.push(...compareInput(`${where} parameters`, b.parameters, a.parameters));
    if (b.body && !a.body) breaks.push({ where: `${where} request body`, problem: 'the body is no longer accepted', before: 'a JSON body', after: 'none' });
    else if (a.body && !b.body) {
      if (!a.body.$.optional) breaks.push({ where: `${where} request body`, problem: 'a body is now required', before: 'none', after: show(a.body.$) });
    } else if (a.body && b.body) breaks.push(...compareInput(`${where} request body`, b.body, a.body));
    for (const [status, bs] of Object.entries(b.success)) {
      const as = a.success[status];
      if (!as) {
        const now = Object.keys(a.success).join(', ');
        breaks.push({ where, problem: `success status ${status} removed`, before: status, after: now });
        continue;
      }
      if (bs.contentType !== as.contentType) breaks.push({ where: `${where} ${status}`, problem: 'content type changed', before: bs.contentType ?? 'no content', after: as.contentType ?? 'no content' });
      else if (bs.fields) breaks.push(...compareOutput(`${where} ${status}`, bs.fields, as.fields ?? {}));
    }
    for (const status of b.errors) {
      if (!a.errors.includes(status)) breaks.push({ where, problem: `documented error status ${status} removed`, before: String(status), after: a.errors.join(', ') });
    }
  }
  for (const [name, fields] of Object.entries(before.schemas)) {
    const a = after.schemas[name];
    if (!a) breaks.push({ where: `schema ${name}`, problem: 'schema removed' });
    else breaks.push(...compareOutput(`schema ${name}`, fields, a));
  }
  return sortBreaks(breaks);
}

// ───────────────────────────── recorded answers ─────────────────────────────

/** A recorded answer: its status and the JSON type of every field path of its body (`$` is the body itself). */
export interface Answer {
  status: number;
  /** Field path → JSON type(s) seen there (`string`, `number`, `boolean`, `null`, `object`, `array`; `a|b` when several). */
  shape: Record<string, string>;
}

export function answerShape(value: unknown): Record<string, string> {
  const seen: Record<string, Set<string>> = {};
  const visit = (v: unknown, path: string) => {
    const type = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
    (seen[path] ??= new Set()).add(type);
    const child = (name: string) => (path === '$' ? name : `${path}.${name}`);
    if (Array.isArray(v)) for (const item of v) visit(item, `${path}[]`);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, child(k));
  };
  if (value !== undefined) visit(value, '$');
  return Object.fromEntries(Object.entries(seen).map(([p, t]) => [p, [...t].sort().join('|')]));
}

/**
 * An answer must keep its status, every field it had, and each field's JSON type. `null` on either side is not a
 * change of type (a nullable field's value depends on the data; nullability is the document's business), and the
 * items of an array that came back empty are not compared (not seen is not removed).
 */
export function compareAnswers(before: Record<string, Answer>, after: Record<string, Answer>): Break[] {
  const breaks: Break[] = [];
  for (const [key, b] of Object.entries(before)) {
    const a = after[key];
    if (!a) {
      breaks.push({ where: key, problem: 'the scenario no longer makes this call: record the baseline again if that is intended (MC_COMPAT_RECORD=1)' });
      continue;
    }
    if (a.status !== b.status) {
      breaks.push({ where: key, problem: 'status changed', before: String(b.status), after: String(a.status) });
      continue;
    }
    const unseen = (path: string) => {
      for (let p = path; p !== '$'; p = parentOf(p)) {
        if (p.endsWith('[]') && !a.shape[p] && a.shape[parentOf(p)] === 'array') return true;
      }
      return false;
    };
    for (const [path, bt] of Object.entries(b.shape)) {
      const at = a.shape[path];
      if (at === undefined) {
        if (!unseen(path)) breaks.push({ where: key, path, problem: 'field missing from the answer', before: bt, after: 'absent' });
        continue;
      }
      const nonNull = (t: string) => t.split('|').filter((x) => x !== 'null');
      const [bn, an] = [nonNull(bt), nonNull(at)];
      if (bn.length && an.some((t) => !bn.includes(t))) breaks.push({ where: key, path, problem: 'JSON type changed', before: bt, after: at });
    }
  }
  return sortBreaks(breaks);
}

// ───────────────────────────── stable files ─────────────────────────────

const FIELD_ORDER = ['type', 'nullable', 'optional', 'enum'];
const FIELD_KEYS = new Set(FIELD_ORDER);

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    // A field reads type first: {"type": "string", "nullable": true, "enum": [...]}. (Only a field: a map of field
    // paths may hold a path named `type`.)
    const isField = typeof (v as { type?: unknown }).type === 'string' && Object.keys(v).every((k) => FIELD_KEYS.has(k));
    const rank = (k: string) => (isField && FIELD_ORDER.includes(k) ? FIELD_ORDER.indexOf(k) : FIELD_ORDER.length);
    return Object.fromEntries(
      Object.keys(v)
        .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
        .map((k) => [k, sortDeep((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

const isPrimitive = (x: unknown) => x === null || typeof x !== 'object';
/** Arrays of primitives (status lists, enums) and field descriptors are written on one line. */
const isLeaf = (v: unknown) =>
  isPrimitive(v) ||
  (Array.isArray(v)
    ? v.every(isPrimitive)
    : Object.keys(v as object).every((k) => FIELD_KEYS.has(k)) && Object.values(v as object).every((x) => isPrimitive(x) || (Array.isArray(x) && x.every(isPrimitive))));

/**
 * JSON with sorted keys, indented, and each small leaf object (a field, a status list) on one line: one field per
 * line makes a re-recorded baseline diff read as a list of contract changes.
 */
export function stableJson(value: unknown): string {
  const inline = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(inline).join(', ')}]`;
    if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${inline(x)}`).join(', ')}}`;
    return JSON.stringify(v);
  };
  const write = (v: unknown, indent: string): string => {
    if (isLeaf(v)) return inline(v);
    if (Array.isArray(v)) return `[\n${v.map((x) => `${indent}  ${write(x, `${indent}  `)}`).join(',\n')}\n${indent}]`;
    const entries = Object.entries(v as Record<string, unknown>);
    if (!entries.length) return '{}';
    return `{\n${entries.map(([k, x]) => `${indent}  ${JSON.stringify(k)}: ${write(x, `${indent}  `)}`).join(',\n')}\n${indent}}`;
  };
  return `${write(sortDeep(value), '')}\n`;
}
