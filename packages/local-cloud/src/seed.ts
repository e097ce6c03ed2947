/**
 * Loads the province's seed catalog on start, through the catalog context's own import use case (so it
 * is validated and published like any import). Filled in by the catalog context; until then a no-op.
 */
import type { LocalCloud } from './runtime.ts';

export async function seedLocalProvince(_cloud: LocalCloud): Promise<string> {
  return '';
}
