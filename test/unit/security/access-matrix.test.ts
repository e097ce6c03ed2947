/**
 * The access matrix (test/support/access-matrix.ts) against the topology and docs/security.md: one row per
 * route, with the route's declared auth, and the document's table exactly what the data renders. The cells
 * themselves are tested over HTTP in test/e2e/access-matrix.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { allRoutes } from '#topology/index.ts';
import { ACCESS_MATRIX, accessTableIn, accessTableMarkdown, CALLERS, rowKey } from '../../support/access-matrix.ts';

describe('the access matrix', () => {
  test('has one row per route of the topology, with its declared auth', () => {
    const routes = new Map(allRoutes().map((r) => [`${r.method} ${r.path}`, r.auth]));
    const rows = ACCESS_MATRIX.map(rowKey);
    expect(
      rows.filter((key, i) => rows.indexOf(key) !== i),
      'rows given twice',
    ).toEqual([]);
    expect(
      [...routes.keys()].filter((key) => !rows.includes(key)),
      'routes without a row',
    ).toEqual([]);
    expect(
      rows.filter((key) => !routes.has(key)),
      'rows without a route',
    ).toEqual([]);
    for (const row of ACCESS_MATRIX) expect(row.auth, rowKey(row)).toBe(routes.get(rowKey(row)));
  });

  test('has a cell for every kind of caller in every row', () => {
    for (const row of ACCESS_MATRIX) expect(Object.keys(row.cells).sort(), rowKey(row)).toEqual([...CALLERS].sort());
  });

  test('docs/security.md shows exactly this matrix', () => {
    const doc = readFileSync(new URL('../../../docs/security.md', import.meta.url), 'utf8');
    expect(
      accessTableIn(doc),
      'docs/security.md differs from test/support/access-matrix.ts: run `npm run docs:access`',
    ).toBe(accessTableMarkdown());
  });
});
