// Pull/merge request references in text, and the canonical URL they become.
import { describe, expect, it } from 'vitest';
import { canonicalPullRequestUrl, githubPrUrl, parsePullRequestRefs } from './pr-refs';

const urls = (text: string, defaultRepository?: string | null) => parsePullRequestRefs(text, defaultRepository).map((r) => r.url);

describe('parsePullRequestRefs', () => {
  describe('PR#n (the workspace default repository)', () => {
    it.each(['PR#123', 'PR #123', 'pr#123', 'see PR#123.', '(PR #123)', 'fixed in PR#0123'])('reads %j with a default repository', (text) => {
      expect(parsePullRequestRefs(text, 'Acme/App')).toEqual([
        { provider: 'github', repo: 'acme/app', number: 123, url: 'https://github.com/acme/app/pull/123' },
      ]);
    });

    it.each([undefined, null, '', 'not a repo', 'https://github.com/acme/app', 'acme/app/extra'])(
      'ignores PR#123 without a usable default repository (%j)',
      (defaultRepository) => {
        expect(parsePullRequestRefs('PR#123 and PR #124', defaultRepository)).toEqual([]);
      },
    );

    it.each(['xPR#4', 'PR# 4', 'PR  #4', 'PRs#4', 'PR#', 'PR#abc'])('does not read %j', (text) => {
      expect(parsePullRequestRefs(text, 'acme/app')).toEqual([]);
    });
  });

  describe('owner/repo#n', () => {
    it('reads it as a GitHub pull request, lower-cased', () => {
      expect(parsePullRequestRefs('merged Acme/App#12 today')).toEqual([
        { provider: 'github', repo: 'acme/app', number: 12, url: 'https://github.com/acme/app/pull/12' },
      ]);
    });

    it('accepts dots, dashes and underscores in owner and repo', () => {
      expect(urls('my-org/my_repo.js#7')).toEqual(['https://github.com/my-org/my_repo.js/pull/7']);
    });

    it('reads it inside punctuation', () => {
      expect(urls('(acme/app#4), acme/app#5.')).toEqual(['https://github.com/acme/app/pull/4', 'https://github.com/acme/app/pull/5']);
    });

    it('drops a ".git" suffix in both the repo and the URL', () => {
      expect(parsePullRequestRefs('acme/app.git#3')).toEqual([
        { provider: 'github', repo: 'acme/app', number: 3, url: 'https://github.com/acme/app/pull/3' },
      ]);
    });

    it.each(['x/acme/app#5', 'path/to/acme/app#5', 'acme/app#', 'acme#5', '/app#5'])('does not read %j', (text) => {
      expect(parsePullRequestRefs(text)).toEqual([]);
    });
  });

  describe('GitHub URLs', () => {
    it.each([
      'https://github.com/Acme/App/pull/9',
      'https://github.com/acme/app/pull/9/files',
      'https://github.com/acme/app/pull/9/commits/abc123',
      'https://github.com/acme/app/pull/9#discussion_r123456',
      'https://github.com/acme/app/pull/9#issuecomment-1',
      'http://github.com/acme/app/pull/9',
      'http://www.github.com/acme/app/pull/9',
      'https://WWW.GitHub.com/acme/app/pull/9',
      'https://github.com/acme/app.git/pull/9',
      'see https://github.com/acme/app/pull/9.',
      '<https://github.com/acme/app/pull/9>',
      '[the fix](https://github.com/acme/app/pull/9)',
    ])('reads %j as acme/app#9', (text) => {
      expect(parsePullRequestRefs(text)).toEqual([
        { provider: 'github', repo: 'acme/app', number: 9, url: 'https://github.com/acme/app/pull/9' },
      ]);
    });

    it.each([
      'https://github.com/acme/app/issues/9',
      'https://github.com/acme/app',
      'https://github.com/acme/app/pulls',
      'https://github.com/acme/app/pull/',
      'https://github.com/acme/app/pull/12345678901',
      'https://example.com/acme/app/pull/9',
      'https://example.com/acme/app#12',
    ])('does not read %j', (text) => {
      expect(parsePullRequestRefs(text)).toEqual([]);
    });

    it('does not also read the URL as owner/repo#n or as PR#n', () => {
      expect(urls('https://github.com/acme/app/pull/9#discussion_r1 and https://github.com/o/r/pull/1/files', 'acme/app')).toEqual([
        'https://github.com/acme/app/pull/9',
        'https://github.com/o/r/pull/1',
      ]);
    });
  });

  describe('GitLab merge request URLs', () => {
    it('reads nested groups and drops /diffs', () => {
      expect(parsePullRequestRefs('https://gitlab.com/group/sub/deeper/project/-/merge_requests/12/diffs')).toEqual([
        { provider: 'gitlab', repo: 'gitlab.com/group/sub/deeper/project', number: 12, url: 'https://gitlab.com/group/sub/deeper/project/-/merge_requests/12' },
      ]);
    });

    it('reads a self-hosted instance with a port, lower-cases it and drops fragments', () => {
      expect(parsePullRequestRefs('http://GitLab.Example.com:8443/Team/Proj/-/merge_requests/4#note_99')).toEqual([
        { provider: 'gitlab', repo: 'gitlab.example.com:8443/team/proj', number: 4, url: 'https://gitlab.example.com:8443/team/proj/-/merge_requests/4' },
      ]);
    });

    it('reads a project directly under a group', () => {
      expect(urls('https://gitlab.com/g/p/-/merge_requests/1/commits')).toEqual(['https://gitlab.com/g/p/-/merge_requests/1']);
    });

    it.each([
      'https://gitlab.com/p/-/merge_requests/1', // a project always lives under a group or user
      'https://gitlab.com/g/p/-/issues/1',
      'https://gitlab.com/g/p/merge_requests/1',
      'https://github.com/a/b/-/merge_requests/1',
    ])('does not read %j', (text) => {
      expect(parsePullRequestRefs(text)).toEqual([]);
    });
  });

  describe('code, duplicates and order', () => {
    it('ignores references inside inline code and fenced code blocks', () => {
      const text = [
        'real: acme/app#1',
        'inline: `acme/app#2` and `PR#3` and `https://github.com/acme/app/pull/4`',
        '```',
        'acme/app#5 PR#6 https://gitlab.com/g/p/-/merge_requests/7',
        '```',
        'also real: PR#8',
      ].join('\n');
      expect(urls(text, 'acme/app')).toEqual(['https://github.com/acme/app/pull/1', 'https://github.com/acme/app/pull/8']);
    });

    it('keeps one reference per pull request, however it is written', () => {
      const text = 'acme/app#9 ACME/APP#9 PR#9 PR #9 https://github.com/acme/app/pull/9 https://github.com/Acme/App/pull/9/files';
      expect(parsePullRequestRefs(text, 'acme/app')).toEqual([
        { provider: 'github', repo: 'acme/app', number: 9, url: 'https://github.com/acme/app/pull/9' },
      ]);
    });

    it('keeps different numbers and different repositories apart', () => {
      expect(urls('acme/app#1 acme/app#2 other/app#1 PR#3', 'acme/app').sort()).toEqual([
        'https://github.com/acme/app/pull/1',
        'https://github.com/acme/app/pull/2',
        'https://github.com/acme/app/pull/3',
        'https://github.com/other/app/pull/1',
      ]);
    });

    it('finds nothing in text without references', () => {
      expect(parsePullRequestRefs('')).toEqual([]);
      expect(parsePullRequestRefs('just #12 and issue 5 and a/b', 'acme/app')).toEqual([]);
    });
  });
});

describe('canonicalPullRequestUrl', () => {
  it.each([
    ['https://github.com/Acme/App/pull/9', 'https://github.com/acme/app/pull/9'],
    ['  https://github.com/acme/app/pull/9/files  ', 'https://github.com/acme/app/pull/9'],
    ['http://www.github.com/acme/app/pull/9#discussion_r1', 'https://github.com/acme/app/pull/9'],
    ['https://gitlab.com/g/sub/p/-/merge_requests/12/diffs', 'https://gitlab.com/g/sub/p/-/merge_requests/12'],
  ])('%j → %j', (input, expected) => {
    expect(canonicalPullRequestUrl(input)).toBe(expected);
  });

  it.each([
    'https://github.com/acme/app/issues/9',
    'https://github.com/acme/app',
    'https://gitlab.com/g/p/-/issues/1',
    'https://example.com/',
    'not a url',
    '',
    'PR#9', // needs a default repository, which a bare URL lookup has not
    'https://github.com/a/b/pull/1 https://github.com/a/b/pull/2', // two PRs: ambiguous
  ])('is null for %j', (input) => {
    expect(canonicalPullRequestUrl(input)).toBeNull();
  });

  it('agrees with the URL the parser stores', () => {
    expect(canonicalPullRequestUrl('https://github.com/Acme/App/pull/9')).toBe(githubPrUrl('Acme', 'App', 9));
  });
});
