'use client';
// The fields a workspace is made of (name, slug, mission, emoji, color), shared by "create" and "settings".
import { useState } from 'react';
import type { ApiError } from './api';
import { ColorField, TextArea, TextField, slugify } from './components';

export interface WorkspaceFields {
  name: string;
  slug: string;
  mission: string;
  emoji: string;
  color: string;
}

export const WORKSPACE_FIELD_NAMES = ['name', 'slug', 'mission', 'emoji', 'color'];

export const EMOJI_PICKS = ['🚀', '🛰️', '🧠', '🤖', '📈', '🛠️', '🔬', '🎯', '📦', '⚡'];

/**
 * Controlled workspace fields. With `suggestSlug`, the slug follows the name until the user edits it by hand.
 */
export function WorkspaceFieldset({
  value,
  onChange,
  error,
  disabled,
  suggestSlug = false,
  idPrefix,
}: {
  value: WorkspaceFields;
  onChange: (v: WorkspaceFields) => void;
  error: ApiError | null;
  disabled?: boolean;
  suggestSlug?: boolean;
  idPrefix: string;
}) {
  const [slugTouched, setSlugTouched] = useState(!suggestSlug);
  return (
    <fieldset disabled={disabled} className="space-y-4">
      <TextField
        id={`${idPrefix}-name`}
        label="Name"
        required
        maxLength={100}
        value={value.name}
        onChange={(e) => {
          const name = e.target.value;
          onChange({ ...value, name, slug: slugTouched ? value.slug : slugify(name) });
        }}
        error={error?.fieldError('name')}
      />
      <TextField
        id={`${idPrefix}-slug`}
        label="Slug"
        required
        maxLength={48}
        value={value.slug}
        onChange={(e) => {
          setSlugTouched(true);
          onChange({ ...value, slug: e.target.value });
        }}
        hint={
          <>
            Used in links: <span className="font-mono">/w/{value.slug || 'your-slug'}</span>. Lowercase letters, digits and dashes.
          </>
        }
        error={error?.fieldError('slug')}
        spellCheck={false}
        autoCapitalize="none"
      />
      <TextArea
        id={`${idPrefix}-mission`}
        label="Mission"
        rows={3}
        maxLength={2000}
        placeholder="What this workspace's agents are here to do"
        value={value.mission}
        onChange={(e) => onChange({ ...value, mission: e.target.value })}
        error={error?.fieldError('mission')}
      />
      <div>
        <TextField
          id={`${idPrefix}-emoji`}
          label="Emoji"
          maxLength={16}
          value={value.emoji}
          onChange={(e) => onChange({ ...value, emoji: e.target.value })}
          error={error?.fieldError('emoji')}
          className="max-w-[8rem]"
        />
        <div className="mt-1.5 flex flex-wrap gap-1" role="group" aria-label="Suggestions">
          {EMOJI_PICKS.map((e) => (
            <button
              key={e}
              type="button"
              onClick={() => onChange({ ...value, emoji: e })}
              title={`Use ${e}`}
              className="rounded-md px-1.5 py-0.5 text-lg hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 aria-pressed:bg-indigo-50"
              aria-pressed={value.emoji === e}
            >
              {e}
            </button>
          ))}
        </div>
      </div>
      <ColorField id={`${idPrefix}-color`} value={value.color} onChange={(color) => onChange({ ...value, color })} error={error?.fieldError('color')} disabled={disabled} />
    </fieldset>
  );
}
