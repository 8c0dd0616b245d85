// The cycle finder behind scripts/check-boundaries.mjs, on small planted trees.
import { describe, expect, it } from 'vitest';
import { fileGraph, findCycles, folderGraph, importSpecifiers } from './import-graph.mjs';

const folderOf = (f) => (f === 'index.ts' ? null : f.includes('/') ? f.split('/')[0] : 'shared');

describe('import graph', () => {
  it('reads static, type-only, re-export, side-effect and dynamic imports, not commented-out ones', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from '../b/b';",
      "export * from './c';",
      "import './d';",
      "const e = await import('./e');",
      "import {\n  f,\n  g,\n} from './fg';",
      "// import { x } from './x';",
      '/* import { y } from "./y"; */',
    ].join('\n');
    expect(importSpecifiers(text)).toEqual(['./a', '../b/b', './c', './d', './e', './fg']);
  });

  it('resolves relative specifiers to the files of the tree (x, x.ts, x/index.ts, x.js)', () => {
    const g = fileGraph({
      'a/one.ts': "import { two } from './two.js'; import { z } from '../z'; import { zod } from 'zod';",
      'a/two.ts': '',
      'z/index.ts': '',
    });
    expect([...g.get('a/one.ts')].sort()).toEqual(['a/two.ts', 'z/index.ts']);
  });

  it('finds no cycle in a layered tree', () => {
    const g = fileGraph({
      'errors.ts': '',
      'shared/ids.ts': "import '../errors';",
      'activity/record.ts': "import '../shared/ids';",
      'workspaces/create.ts': "import '../activity/record'; import '../shared/ids';",
      'index.ts': "export * from './workspaces/create';",
    });
    expect(findCycles(g)).toEqual([]);
    expect(findCycles(folderGraph(g, folderOf).graph)).toEqual([]);
  });

  it('finds a planted folder cycle, with the imports that make each arrow, though no file cycle exists', () => {
    const g = fileGraph({
      'activity/find.ts': "import { requireAccess } from '../workspaces/access';",
      'activity/record.ts': '',
      'workspaces/access.ts': '',
      'workspaces/create.ts': "import type { R } from '../activity/record';",
    });
    expect(findCycles(g)).toEqual([]);
    const folders = folderGraph(g, folderOf);
    expect(findCycles(folders.graph)).toEqual([['activity', 'workspaces', 'activity']]);
    expect(folders.arrow('activity', 'workspaces')).toEqual(['activity/find.ts → workspaces/access.ts']);
    expect(folders.arrow('workspaces', 'activity')).toEqual(['workspaces/create.ts → activity/record.ts']);
  });

  it('shows every arrow of a tangle in some shortest cycle, each cycle once', () => {
    const g = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['a', 'c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(findCycles(g)).toEqual([
      ['a', 'b', 'a'],
      ['a', 'b', 'c', 'a'],
    ]);
  });

  it('finds a file cycle (events ↔ notifications as it was)', () => {
    const g = fileGraph({
      'events/emit-event.ts': "import { createNotificationsFor } from '../notifications/notify';",
      'notifications/notify.ts': "import type { EmittedEvent } from '../events/emit-event';",
    });
    expect(findCycles(g)).toEqual([['events/emit-event.ts', 'notifications/notify.ts', 'events/emit-event.ts']]);
  });

  it('walks a long chain without overflowing the stack', () => {
    const n = 20_000;
    const g = new Map(Array.from({ length: n }, (_, i) => [`f${i}`, new Set([`f${(i + 1) % n}`])]));
    const [cycle] = findCycles(g);
    expect(cycle.length).toBe(n + 1);
  });
});
