// What every request input must be before any schema or use case sees it, checked in time linear in its size:
// a JSON body nests at most MAX_JSON_DEPTH levels (checked on the text, before JSON.parse and before anything
// walks the value recursively), and every string and object key — body, query and path alike — is well-formed
// Unicode without U+0000. PostgreSQL text and jsonb hold neither NUL nor unpaired UTF-16 surrogates: refused here,
// with the field's name, they are a 400 instead of a 500 from the database (or a silent U+FFFD in a column).

/**
 * Deepest nesting of arrays and objects a JSON body may have. The deepest request schema nests 3 levels
 * (an execution report's decisions); the margin keeps room for later schemas, and the bound keeps a
 * `[[[[…]]]]` body from costing more than its size (a recursive walk of 100k levels overflows the stack).
 */
export const MAX_JSON_DEPTH = 32;

const OPEN_BRACE = 0x7b; // {
const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACE = 0x7d; // }
const CLOSE_BRACKET = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Whether JSON text nests arrays/objects deeper than `max`, by one pass over its characters (strings skipped).
 * Malformed text is not judged here: JSON.parse refuses it afterwards.
 */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === BACKSLASH) i++;
      else if (ch === QUOTE) inString = false;
    } else if (ch === QUOTE) {
      inString = true;
    } else if (ch === OPEN_BRACE || ch === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (ch === CLOSE_BRACE || ch === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

export interface StringProblem {
  /** Path of the offending string (or of the object holding the offending key), e.g. `['labels', '2']`. */
  path: string[];
  message: string;
}

const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';
const ILL_FORMED_MESSAGE = 'must be well-formed Unicode (an unpaired UTF-16 surrogate such as \\ud800 cannot be stored)';

// `String.prototype.isWellFormed` is in Node ≥ 20 (ES2024); the project's TypeScript lib stops at ES2023.
const isWellFormed = (s: string) => (s as string & { isWellFormed(): boolean }).isWellFormed();

function stringProblem(s: string): string | null {
  if (s.includes('\u0000')) return NUL_MESSAGE;
  if (!isWellFormed(s)) return ILL_FORMED_MESSAGE;
  return null;
}

/** A key as it can be named in an error: NUL and unpaired surrogates written as escapes. */
function printableKey(key: string): string {
  return key.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

interface Pending {
  value: unknown;
  parent: Pending | null;
  key: string;
}

function pathOf(node: Pending | null): string[] {
  const path: string[] = [];
  for (let n = node; n && n.parent; n = n.parent) path.push(n.key);
  return path.reverse();
}

/**
 * The first string or object key in `value` that PostgreSQL cannot hold (NUL, ill-formed Unicode), or null.
 * Iterative (an explicit stack of containers, no recursion) and linear in the size of the value, so whatever
 * reaches it costs what its size justifies; strings are checked where they stand and a path is built only for
 * the one problem reported.
 */
export function findStringProblem(value: unknown): StringProblem | null {
  if (typeof value === 'string') {
    const message = stringProblem(value);
    return message ? { path: [], message } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  const stack: Pending[] = [{ value, parent: null, key: '' }];
  // One problem is named (the first found): the caller fixes it and learns of the next, as with any validation error.
  while (stack.length) {
    const node = stack.pop()!;
    const v = node.value;
    if (Array.isArray(v)) {
      const children: Pending[] = [];
      for (let i = 0; i < v.length; i++) {
        const item = v[i];
        if (typeof item === 'string') {
          const message = stringProblem(item);
          if (message) return { path: [...pathOf(node), String(i)], message };
        } else if (item !== null && typeof item === 'object') {
          children.push({ value: item, parent: node, key: String(i) });
        }
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    } else {
      const record = v as Record<string, unknown>;
      const children: Pending[] = [];
      for (const k in record) {
        const keyMessage = stringProblem(k);
        if (keyMessage) return { path: [...pathOf(node), printableKey(k)], message: `key ${keyMessage}` };
        const item = record[k];
        if (typeof item === 'string') {
          const message = stringProblem(item);
          if (message) return { path: [...pathOf(node), k], message };
        } else if (item !== null && typeof item === 'object') {
          children.push({ value: item, parent: node, key: k });
        }
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }
  return null;
}
