// Pull/merge request references in text, normalised to one canonical URL each:
//   PR#123 or PR #123           → the workspace's default repository (GitHub) when it has one
//   owner/repo#123              → GitHub
//   https://github.com/o/r/pull/123[/files…]
//   https://gitlab.example.com/group/sub/proj/-/merge_requests/12[…]
import { stripCode } from './mentions';

export interface PullRequestRef {
  provider: 'github' | 'gitlab';
  /** `owner/repo` for GitHub; `host/group/…/project` for GitLab. */
  repo: string;
  number: number;
  url: string;
}

const GITHUB_URL = /https?:\/\/(?:www\.)?github\.com\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/pull\/(\d{1,9})(?![\d])/gi;
const GITLAB_URL = /https?:\/\/([A-Za-z0-9.-]+(?::\d+)?)\/((?:[A-Za-z0-9_.-]+\/)+[A-Za-z0-9_.-]+)\/-\/merge_requests\/(\d{1,9})(?![\d])/gi;
const SHORT_REPO = /(^|[^A-Za-z0-9_./-])([A-Za-z0-9][A-Za-z0-9_.-]*)\/([A-Za-z0-9][A-Za-z0-9_.-]*)#(\d{1,9})(?![\d])/g;
const BARE_PR = /(^|[^A-Za-z0-9_/])PR ?#(\d{1,9})(?![\d])/gi;

export function githubPrUrl(owner: string, repo: string, n: number) {
  return `https://github.com/${owner.toLowerCase()}/${repo.toLowerCase().replace(/\.git$/, '')}/pull/${n}`;
}

export function parsePullRequestRefs(text: string, defaultRepository?: string | null): PullRequestRef[] {
  const clean = stripCode(text);
  const found = new Map<string, PullRequestRef>();
  const add = (r: PullRequestRef) => found.set(r.url, r);
  for (const m of clean.matchAll(GITHUB_URL)) {
    const repo = `${m[1]}/${m[2]}`.toLowerCase().replace(/\.git$/, '');
    add({ provider: 'github', repo, number: Number(m[3]), url: githubPrUrl(m[1], m[2], Number(m[3])) });
  }
  for (const m of clean.matchAll(GITLAB_URL)) {
    const host = m[1].toLowerCase();
    if (host === 'github.com' || host === 'www.github.com') continue;
    const repo = `${host}/${m[2].toLowerCase()}`;
    add({ provider: 'gitlab', repo, number: Number(m[3]), url: `https://${repo}/-/merge_requests/${Number(m[3])}` });
  }
  // URLs are removed before the short forms, so "github.com/a/b/pull/1" is not also read as "a/b#…".
  const noUrls = clean.replace(/https?:\/\/\S+/g, (u) => ' '.repeat(u.length));
  for (const m of noUrls.matchAll(SHORT_REPO)) {
    add({ provider: 'github', repo: `${m[2]}/${m[3]}`.toLowerCase().replace(/\.git$/, ''), number: Number(m[4]), url: githubPrUrl(m[2], m[3], Number(m[4])) });
  }
  if (defaultRepository && /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(defaultRepository)) {
    const [owner, repo] = defaultRepository.split('/');
    for (const m of noUrls.matchAll(BARE_PR)) {
      add({ provider: 'github', repo: defaultRepository.toLowerCase(), number: Number(m[2]), url: githubPrUrl(owner, repo, Number(m[2])) });
    }
  }
  return [...found.values()];
}

/** Canonical form of a PR URL someone pastes into the reverse lookup; null when it is not a PR/MR URL. */
export function canonicalPullRequestUrl(url: string): string | null {
  const refs = parsePullRequestRefs(url.trim());
  return refs.length === 1 ? refs[0].url : null;
}
