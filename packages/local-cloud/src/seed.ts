/**
 * Loads the province's seed catalog on start (`config/seed/<province.seed>/agencies.json`, `procedures.json`,
 * and the 2025–2027 calendar) through the catalog's own use cases, so it is validated and published like any
 * import. Idempotent: on a restart with the data already there nothing is written and no event is published.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VIETNAM_CALENDAR_2025_2027 } from '#calendar/seed.ts';
import { importCatalog, putCalendar } from '#catalog/use-cases.ts';
import type { LocalCloud } from './runtime.ts';

const SEED_ACTOR = { sub: 'seed' };

/**
 * Seeds the catalog of the cloud's province; returns a short line for the start banner, e.g.
 * "(seeded 33 agencies, 17 procedures, calendar 2025–2027)". Throws, naming row and field, on a bad seed file.
 */
export async function seedLocalProvince(cloud: Pick<LocalCloud, 'province'>, root = process.cwd()): Promise<string> {
  const folder = join(root, 'config', 'seed', cloud.province.seed);
  const results = [];
  for (const kind of ['agencies', 'procedures'] as const) {
    const file = join(folder, `${kind}.json`);
    const outcome = await importCatalog(kind, readFileSync(file, 'utf8'), { format: 'json', actor: SEED_ACTOR });
    if (!outcome.ok) {
      const lines = outcome.errors.map((e) => `  row ${e.row}, field ${e.field || '(row)'}: ${e.message}`);
      throw new Error(`Seed file ${file} is invalid:\n${lines.join('\n')}`);
    }
    results.push(outcome.summary);
  }
  let calendarsChanged = 0;
  for (const year of VIETNAM_CALENDAR_2025_2027) {
    if ((await putCalendar(year, SEED_ACTOR)).changed) calendarsChanged++;
  }

  const [agencies, procedures] = results;
  const years = VIETNAM_CALENDAR_2025_2027.map((c) => c.year);
  const counts = `${agencies!.total} agencies, ${procedures!.total - procedures!.skipped} procedures, calendar ${years[0]}–${years.at(-1)}`;
  const changed = agencies!.changed + procedures!.changed + calendarsChanged;
  return changed === 0 ? `(catalog already seeded: ${counts})` : `(seeded ${counts})`;
}
