'use client';
// A small markdown renderer that builds React elements (never HTML strings), so nothing a ticket or comment says
// can become markup or script: text is text, and links keep only http(s), mailto and same-site paths.
// Covers what tickets use: paragraphs and line breaks, headings, lists, quotes, fenced and inline code, bold,
// italic, links, bare URLs and @mentions.
import { Fragment, type ReactNode } from 'react';
import { cx } from './components';

export interface MarkdownOptions {
  /** Lower-cased handles the server resolved as mentions (plus `all`); only these are highlighted. */
  mentions?: ReadonlySet<string>;
}

/** A URL that is safe to put in href, or null. */
export function safeHref(raw: string): string | null {
  const url = raw.trim();
  if (/^(https?:|mailto:)/i.test(url)) return url;
  if (url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\')) return url;
  if (url.startsWith('#')) return url;
  return null;
}

export function Markdown({ text, className, mentions }: { text: string; className?: string } & MarkdownOptions) {
  return <div className={cx('space-y-2 text-sm leading-relaxed break-words text-slate-800', className)}>{blocks(text, { mentions })}</div>;
}

type Block =
  | { kind: 'code'; lang: string; text: string }
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'quote'; text: string }
  | { kind: 'rule' }
  | { kind: 'para'; text: string };

function parseBlocks(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const out: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = /^\s*(`{3,}|~{3,})\s*([\w+-]*)/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      i++; // closing fence (or end of text)
      out.push({ kind: 'code', lang: fence[2], text: body.join('\n') });
      continue;
    }
    if (!line.trim()) {
      i++;
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      out.push({ kind: 'heading', level: h[1].length, text: h[2].replace(/\s#+\s*$/, '') });
      i++;
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push({ kind: 'rule' });
      i++;
      continue;
    }
    const item = /^\s*([-*+]|\d{1,9}[.)])\s+(.*)$/;
    const first = item.exec(line);
    if (first) {
      const ordered = /\d/.test(first[1]);
      const items: string[] = [];
      while (i < lines.length) {
        const m = item.exec(lines[i]);
        if (m && /\d/.test(m[1]) === ordered) {
          items.push(m[2]);
          i++;
        } else if (lines[i].trim() && /^\s{2,}/.test(lines[i]) && items.length) {
          items[items.length - 1] += `\n${lines[i].trim()}`;
          i++;
        } else break;
      }
      out.push({ kind: 'list', ordered, items });
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) body.push(lines[i++].replace(/^\s*>\s?/, ''));
      out.push({ kind: 'quote', text: body.join('\n') });
      continue;
    }
    const body: string[] = [];
    while (i < lines.length && lines[i].trim() && !/^\s*(`{3,}|~{3,})/.test(lines[i]) && !/^#{1,6}\s/.test(lines[i]) && !(body.length && item.test(lines[i]))) {
      body.push(lines[i++]);
    }
    out.push({ kind: 'para', text: body.join('\n') });
  }
  return out;
}

function blocks(src: string, o: MarkdownOptions): ReactNode[] {
  return parseBlocks(src).map((b, n) => {
    switch (b.kind) {
      case 'code':
        return (
          <pre key={n} tabIndex={0} className="overflow-x-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100">
            <code>{b.text}</code>
          </pre>
        );
      case 'heading': {
        const size = b.level <= 1 ? 'text-lg' : b.level === 2 ? 'text-base' : 'text-sm';
        const Tag = (`h${Math.min(6, b.level + 2)}` as 'h3');
        return (
          <Tag key={n} className={cx('font-semibold text-slate-900', size)}>
            {inline(b.text, o)}
          </Tag>
        );
      }
      case 'list': {
        const Tag = b.ordered ? 'ol' : 'ul';
        return (
          <Tag key={n} className={cx('space-y-0.5 pl-5', b.ordered ? 'list-decimal' : 'list-disc')}>
            {b.items.map((it, k) => (
              <li key={k}>{withBreaks(it, o)}</li>
            ))}
          </Tag>
        );
      }
      case 'quote':
        return (
          <blockquote key={n} className="border-l-4 border-slate-200 pl-3 text-slate-600">
            {blocks(b.text, o)}
          </blockquote>
        );
      case 'rule':
        return <hr key={n} className="border-slate-200" />;
      default:
        return <p key={n}>{withBreaks(b.text, o)}</p>;
    }
  });
}

function withBreaks(text: string, o: MarkdownOptions): ReactNode[] {
  return text.split('\n').map((line, n) => (
    <Fragment key={n}>
      {n > 0 && <br />}
      {inline(line, o)}
    </Fragment>
  ));
}

// One pass over a line: the earliest match wins, the text between matches stays text.
// Spans are bounded (2,000 characters) so that a pathological line costs linear-ish time, not quadratic.
const INLINE =
  /(`+)([^`\n]|[^`\n][^\n]{0,2000}?[^`\n])\1(?!`)|\*\*(?=\S)([^\n]{1,2000}?)\*\*|__(?=\S)([^\n]{1,2000}?)__|\*(?=[^\s*])([^*\n]{1,2000}?)\*|(?<![A-Za-z0-9])_(?=[^\s_])([^_\n]{1,2000}?)_(?![A-Za-z0-9])|\[([^\]\n]{1,2000})\]\(([^()\s]{1,2000})\)|(https?:\/\/[^\s<>]{0,2000}[^\s<>.,:;"')\]!?])|(?<![A-Za-z0-9._%+\-@/`])@([A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?)/g;

function inline(text: string, o: MarkdownOptions): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let n = 0;
  for (const m of text.matchAll(INLINE)) {
    const at = m.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    last = at + m[0].length;
    const key = n++;
    if (m[2] !== undefined) {
      out.push(
        <code key={key} className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.85em] text-slate-800">
          {m[2]}
        </code>,
      );
    } else if (m[3] !== undefined || m[4] !== undefined) {
      out.push(<strong key={key}>{inline(m[3] ?? m[4], o)}</strong>);
    } else if (m[5] !== undefined || m[6] !== undefined) {
      out.push(<em key={key}>{inline(m[5] ?? m[6], o)}</em>);
    } else if (m[7] !== undefined) {
      const href = safeHref(m[8]);
      out.push(
        href ? (
          <a key={key} href={href} target={href.startsWith('/') || href.startsWith('#') ? undefined : '_blank'} rel="noopener noreferrer nofollow" className="font-medium text-indigo-600 underline hover:text-indigo-500">
            {inline(m[7], o)}
          </a>
        ) : (
          m[0]
        ),
      );
    } else if (m[9] !== undefined) {
      out.push(
        <a key={key} href={m[9]} target="_blank" rel="noopener noreferrer nofollow" className="break-all text-indigo-600 underline hover:text-indigo-500">
          {m[9]}
        </a>,
      );
    } else if (m[10] !== undefined) {
      const name = m[10].toLowerCase();
      out.push(
        o.mentions?.has(name) ? (
          <span key={key} data-testid="mention" className="rounded bg-indigo-50 px-0.5 font-medium text-indigo-700">
            @{m[10]}
          </span>
        ) : (
          m[0]
        ),
      );
    }
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
