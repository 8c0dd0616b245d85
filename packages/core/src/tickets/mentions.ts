// `@name` and `@all` in markdown. Not inside code (fenced blocks or inline spans), not in e-mail addresses, not in
// the middle of a word. Names follow the agent/member handle rule: letters, digits, ".", "_", "-".

export interface ParsedMentions {
  all: boolean;
  /** Lower-cased handles, unique, in order of first appearance. */
  names: string[];
}

/** Remove fenced code blocks and inline code spans, keeping line structure. */
export function stripCode(markdown: string): string {
  let text = markdown.replace(/(^|\n)(`{3,}|~{3,})[^\n]*\n[\s\S]*?(\n\2[^\n]*(?=\n|$)|$)/g, (m) => m.replace(/[^\n]/g, ' '));
  text = text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (m) => ' '.repeat(m.length));
  return text;
}

const MENTION = /(^|[^A-Za-z0-9._%+\-@/`])@([A-Za-z0-9][A-Za-z0-9._-]*)/g;
/** Handles (agent names, e-mail local parts) are at most 64 characters. */
const MAX_HANDLE = 64;

export function parseMentions(markdown: string): ParsedMentions {
  const text = stripCode(markdown);
  const names: string[] = [];
  let all = false;
  for (const m of text.matchAll(MENTION)) {
    // A trailing "." or "-" ends the sentence, not the handle ("thanks @bob."). Trimmed by hand: a regex
    // anchored at the end would be quadratic on a long run of dots.
    let end = m[2].length;
    while (end > 0 && '.-_'.includes(m[2][end - 1])) end--;
    const name = m[2].slice(0, end).toLowerCase();
    // A longer word is no mention at all, rather than a mention of its first 64 characters.
    if (!name || name.length > MAX_HANDLE) continue;
    if (name === 'all') all = true;
    else if (!names.includes(name)) names.push(name);
  }
  return { all, names };
}
