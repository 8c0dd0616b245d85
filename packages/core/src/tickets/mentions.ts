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

const MENTION = /(^|[^A-Za-z0-9._%+\-@/`])@([A-Za-z0-9][A-Za-z0-9._-]{0,63})/g;

export function parseMentions(markdown: string): ParsedMentions {
  const text = stripCode(markdown);
  const names: string[] = [];
  let all = false;
  for (const m of text.matchAll(MENTION)) {
    // A trailing "." or "-" ends the sentence, not the handle ("thanks @bob.").
    const name = m[2].replace(/[.\-_]+$/, '').toLowerCase();
    if (!name) continue;
    if (name === 'all') all = true;
    else if (!names.includes(name)) names.push(name);
  }
  return { all, names };
}
