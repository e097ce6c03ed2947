/**
 * The boundary between bounded contexts, as a test: a file of one context may import another context only through
 * that context's published contract — its `events.ts` (the events it publishes) or its `contract.ts` /
 * `contract/` (read-only shapes and rules others may apply, e.g. fee assessment). Anything else under
 * functions/<context>/ is internal and may change without telling anyone.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const functionsDir = join(root, 'functions');
const contexts = readdirSync(functionsDir).filter((name) => statSync(join(functionsDir, name)).isDirectory());
/** `#name/*` aliases of package.json that point into functions/<context>/. */
const contextAliases = new Map(
  Object.entries(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).imports as Record<string, string>)
    .map(
      ([alias, path]) =>
        [/^#([a-z-]+)\/\*$/.exec(alias)?.[1], /^\.\/functions\/([a-z-]+)\/\*$/.exec(path)?.[1]] as const,
    )
    .filter((pair): pair is readonly [string, string] => pair[0] !== undefined && pair[1] !== undefined),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The context and the path inside it that an import specifier names, or undefined outside functions/. */
function target(fromFile: string, specifier: string): { context: string; inside: string } | undefined {
  let absolute: string;
  const alias = /^#([a-z-]+)\/(.*)$/.exec(specifier);
  if (alias) {
    const [, name = '', rest = ''] = alias;
    const context = contextAliases.get(name);
    if (!context) return undefined; // #platform, #topology, #calendar, #test: shared packages, not contexts
    absolute = join(functionsDir, context, rest);
  } else if (specifier.startsWith('.')) {
    absolute = resolve(fromFile, '..', specifier);
  } else {
    return undefined;
  }
  const rel = relative(functionsDir, absolute);
  if (rel.startsWith('..')) return undefined;
  const [context = '', ...inside] = rel.split(sep);
  return { context, inside: inside.join('/') };
}

function isPublished(inside: string): boolean {
  return inside === 'events.ts' || inside === 'contract.ts' || inside.startsWith('contract/');
}

describe('context boundaries', () => {
  it('the published parts are events.ts, contract.ts and contract/', () => {
    expect(isPublished('events.ts')).toBe(true);
    expect(isPublished('contract/fees.ts')).toBe(true);
    expect(isPublished('domain/fees.ts')).toBe(false);
    expect(isPublished('store.ts')).toBe(false);
  });

  it('no context imports another context’s internals', () => {
    const violations: string[] = [];
    for (const context of contexts) {
      for (const file of sourceFiles(join(functionsDir, context))) {
        const text = readFileSync(file, 'utf8');
        for (const match of text.matchAll(IMPORT)) {
          const specifier = match[1] ?? match[2] ?? '';
          const to = target(file, specifier);
          if (!to || to.context === context || isPublished(to.inside)) continue;
          violations.push(`${relative(root, file)} imports ${specifier}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
