/** `npm run docs:events`: regenerates the event table in docs/architecture.md from the topology. */
import { readFileSync, writeFileSync } from 'node:fs';
import { eventTableMarkdown, withEventTable } from './event-table.ts';
import { allTopologies } from './index.ts';

const path = new URL('../../../docs/architecture.md', import.meta.url);
const doc = readFileSync(path, 'utf8');
const next = withEventTable(doc, eventTableMarkdown(allTopologies()));
if (next !== doc) writeFileSync(path, next);
console.log(
  next === doc ? 'docs/architecture.md: event table already current' : 'docs/architecture.md: event table updated',
);
