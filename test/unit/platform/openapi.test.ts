/**
 * The contract as a linter reads it (what `npx @redocly/cli lint` checks on the served document): servers set,
 * every operation answers at least one 4xx, and every shared response it names exists.
 */
import { describe, expect, test } from 'vitest';
import { buildOpenApi } from '#platform/openapi.ts';
import { allTopologies } from '#topology/index.ts';

type Operation = { responses: Record<string, { $ref?: string }>; security?: unknown[]; parameters?: unknown[] };

const document = buildOpenApi(
  allTopologies(),
  { title: 'motcua API', version: 'test' },
  { serverUrl: 'https://api.example.vn' },
);
const components = document.components as { responses: Record<string, unknown> };
const operations = Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(
  ([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, path, op })),
);

describe('the served contract', () => {
  test('names the API’s own address as its server, or a relative one when it is not known', () => {
    expect(document.servers).toEqual([{ url: 'https://api.example.vn', description: 'this province' }]);
    const relative = buildOpenApi(allTopologies(), { title: 'motcua API', version: 'test' });
    expect(relative.servers).toEqual([{ url: '/', description: 'this province' }]);
  });

  test('every operation declares a 4xx answer, and every shared answer it names is defined', () => {
    expect(operations.length).toBeGreaterThan(50);
    for (const { name, op } of operations) {
      const fourXx = Object.keys(op.responses).filter((status) => /^4\d\d$/.test(status));
      expect(fourXx.length, name).toBeGreaterThan(0);
      for (const response of Object.values(op.responses)) {
        if (response.$ref === undefined) continue;
        const key = response.$ref.replace('#/components/responses/', '');
        expect(components.responses[key], `${name} → ${response.$ref}`).toBeDefined();
      }
    }
  });

  test('a route behind a token answers 401 and 403; a route with a path parameter answers 404', () => {
    for (const { name, path, op } of operations) {
      const withToken = (op.security ?? []).length > 0;
      if (withToken) expect(Object.keys(op.responses), name).toEqual(expect.arrayContaining(['401', '403']));
      if (path.includes('{')) expect(Object.keys(op.responses), name).toContain('404');
    }
  });
});
