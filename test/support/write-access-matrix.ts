/** `npm run docs:access`: regenerates the access table in docs/security.md from test/support/access-matrix.ts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { accessTableMarkdown, withAccessTable } from './access-matrix.ts';

const path = new URL('../../docs/security.md', import.meta.url);
const doc = readFileSync(path, 'utf8');
const next = withAccessTable(doc, accessTableMarkdown());
if (next !== doc) writeFileSync(path, next);
console.log(next === doc ? 'docs/security.md: access table already current' : 'docs/security.md: access table updated');
