'use client';
// The comment box with @mention autocomplete: typing `@` offers the workspace's agents, members and `@all`.
import { useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type TextareaHTMLAttributes } from 'react';
import { cx } from '@/src/ui/components';

export interface MentionCandidate {
  /** What is inserted after `@`. */
  handle: string;
  label: string;
  kind: 'agent' | 'user' | 'all';
  hint?: string;
}

/** The `@query` being typed just before the caret, as the server's mention rule sees a mention start. */
function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|[^A-Za-z0-9._%+\-@/`])@([A-Za-z0-9._-]*)$/.exec(text.slice(0, caret));
  if (!m) return null;
  return { start: caret - m[2].length - 1, query: m[2] };
}

const KIND_ICON: Record<MentionCandidate['kind'], string> = { agent: '🤖', user: '👤', all: '📣' };

/**
 * A textarea where typing `@` opens the workspace's agents, members and `@all`; ↑/↓ choose, Enter or Tab
 * inserts, Escape closes; a click inserts too.
 */
export function MentionTextarea({
  value,
  onValueChange,
  candidates,
  className,
  onKeyDown,
  ...rest
}: { value: string; onValueChange(v: string): void; candidates: MentionCandidate[] } & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'>) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const [at, setAt] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const caretAfter = useRef<number | null>(null);

  const matches = useMemo(() => {
    if (!at) return [];
    const q = at.query.toLowerCase();
    const starts = candidates.filter((c) => c.handle.toLowerCase().startsWith(q) || c.label.toLowerCase().startsWith(q));
    const contains = candidates.filter((c) => !starts.includes(c) && (c.handle.toLowerCase().includes(q) || c.label.toLowerCase().includes(q)));
    return [...starts, ...contains].slice(0, 8);
  }, [at, candidates]);
  const open = !!at && matches.length > 0;

  function sync(el: HTMLTextAreaElement) {
    const next = el.selectionStart === el.selectionEnd ? mentionAt(el.value, el.selectionStart) : null;
    if (next && (!at || at.start !== next.start)) setActive(0);
    setAt(next);
  }

  function pick(c: MentionCandidate) {
    if (!at) return;
    // Replace exactly the `@query` being typed (not "up to the caret": a click may have moved it).
    const before = value.slice(0, at.start);
    const after = value.slice(at.start + 1 + at.query.length);
    const insert = `@${c.handle}${/^\s/.test(after) ? '' : ' '}`;
    caretAfter.current = before.length + insert.length;
    onValueChange(before + insert + after);
    setAt(null);
  }

  // Put the caret after the inserted mention once the new value is on screen (before the next keystroke).
  useLayoutEffect(() => {
    const el = ref.current;
    const pos = caretAfter.current;
    if (el && pos !== null) {
      caretAfter.current = null;
      el.focus();
      el.setSelectionRange(pos, pos);
    }
  }, [value]);

  function keyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (open) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const d = e.key === 'ArrowDown' ? 1 : -1;
        setActive((i) => (i + d + matches.length) % matches.length);
        return;
      }
      if ((e.key === 'Enter' && !e.shiftKey && !e.metaKey && !e.ctrlKey) || e.key === 'Tab') {
        e.preventDefault();
        pick(matches[Math.min(active, matches.length - 1)]);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setAt(null);
        return;
      }
    }
    onKeyDown?.(e);
  }

  const activeId = open ? `${listId}-${Math.min(active, matches.length - 1)}` : undefined;
  return (
    <div className="relative">
      <textarea
        ref={ref}
        value={value}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        aria-activedescendant={activeId}
        onChange={(e) => {
          onValueChange(e.target.value);
          sync(e.target);
        }}
        onKeyDown={keyDown}
        onKeyUp={(e) => {
          if (!['ArrowDown', 'ArrowUp', 'Enter', 'Tab', 'Escape'].includes(e.key) || !open) sync(e.currentTarget);
        }}
        onClick={(e) => sync(e.currentTarget)}
        onBlur={() => setTimeout(() => setAt(null), 150)}
        className={cx(
          'block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-500 focus:ring-2 focus:ring-indigo-600 focus:ring-inset',
          className,
        )}
        {...rest}
      />
      {open && (
        <ul
          id={listId}
          role="listbox"
          aria-label="Mention someone"
          data-testid="mention-suggestions"
          className="absolute z-20 mt-1 max-h-64 w-full max-w-sm overflow-y-auto rounded-md bg-white py-1 text-sm shadow-lg ring-1 ring-slate-200"
        >
          {matches.map((c, i) => (
            <li
              key={`${c.kind}:${c.handle}`}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(c);
              }}
              onMouseEnter={() => setActive(i)}
              className={cx('flex cursor-pointer items-center gap-2 px-3 py-1.5', i === active ? 'bg-indigo-50 text-indigo-900' : 'text-slate-700')}
            >
              <span aria-hidden="true">{KIND_ICON[c.kind]}</span>
              <span className="font-medium">@{c.handle}</span>
              <span className="truncate text-xs text-slate-500">{c.hint ?? c.label}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
