/**
 * The admin's mapping of local procedures to national codes, the unmapped ones with name-similarity
 * suggestions from the pulled national catalog, and the national procedures no local one is mapped to.
 */
import { conditionFailed, transactWrite } from '#platform/dynamo.ts';
import { ConflictError, NotFoundError } from '#platform/errors.ts';
import type { Identity } from '#platform/identity.ts';
import { suggest } from '../domain/similarity.ts';
import * as store from '../store.ts';

export interface MappingView {
  procedureCode: string;
  procedureName: string;
  nationalCode?: string;
  nationalName?: string;
  suggestions: { nationalCode: string; name: string; score: number }[];
}

export async function mapProcedure(
  identity: Identity,
  procedureCode: string,
  nationalCode: string,
  at: Date,
): Promise<MappingView> {
  const procedure = await store.getProcedure(procedureCode);
  if (!procedure) {
    throw new NotFoundError({ vi: 'Không có thủ tục với mã này.', en: 'No procedure with this code.' });
  }
  const previous = await store.getMapping(procedureCode);
  const mapping: store.Mapping = { procedureCode, nationalCode, mappedAt: at.toISOString(), mappedBy: identity.sub };
  try {
    await transactWrite(store.mappingItems(mapping, previous?.nationalCode));
  } catch (error) {
    // The national code's claim is the only conditional item: it failed when another procedure holds the code.
    if (conditionFailed(error)) {
      const holder = await store.getMappingByNational(nationalCode);
      throw new ConflictError('national-code-taken', {
        vi: `Mã quốc gia ${nationalCode} đã gắn với thủ tục ${holder?.procedureCode ?? 'khác'}.`,
        en: `The national code ${nationalCode} is already mapped to ${holder?.procedureCode ?? 'another procedure'}.`,
      });
    }
    throw error;
  }
  const national = await store.listNational<store.NationalProcedure>('PROCEDURE');
  const named = national.items.find((n) => n.nationalCode === nationalCode);
  return {
    procedureCode,
    procedureName: procedure.name,
    nationalCode,
    ...(named ? { nationalName: named.name } : {}),
    suggestions: [],
  };
}

export async function listMappings(onlyUnmapped: boolean): Promise<MappingView[]> {
  const [procedures, mappings, national] = await Promise.all([
    store.listProcedures(),
    store.listMappings(),
    store.listNational<store.NationalProcedure>('PROCEDURE'),
  ]);
  const byLocal = new Map(mappings.map((m) => [m.procedureCode, m]));
  const taken = new Set(mappings.map((m) => m.nationalCode));
  const free = national.items.filter((n) => !taken.has(n.nationalCode));
  return procedures
    .filter((p) => p.status === 'published')
    .filter((p) => !onlyUnmapped || !byLocal.has(p.code))
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((p) => {
      const m = byLocal.get(p.code);
      if (m) {
        const named = national.items.find((n) => n.nationalCode === m.nationalCode);
        return {
          procedureCode: p.code,
          procedureName: p.name,
          nationalCode: m.nationalCode,
          ...(named ? { nationalName: named.name } : {}),
          suggestions: [],
        };
      }
      return {
        procedureCode: p.code,
        procedureName: p.name,
        suggestions: suggest(p.name, free).map((s) => ({ nationalCode: s.nationalCode, name: s.name, score: s.score })),
      };
    });
}

/** National procedures (from the latest pull) that no local procedure is mapped to: offered on DVCQG, not here. */
export async function unmappedNational(): Promise<{ items: store.NationalProcedure[]; pulledAt?: string }> {
  const [national, mappings] = await Promise.all([
    store.listNational<store.NationalProcedure>('PROCEDURE'),
    store.listMappings(),
  ]);
  const taken = new Set(mappings.map((m) => m.nationalCode));
  return {
    items: national.items
      .filter((n) => !taken.has(n.nationalCode))
      .sort((a, b) => a.nationalCode.localeCompare(b.nationalCode)),
    ...(national.pulledAt ? { pulledAt: national.pulledAt } : {}),
  };
}

export async function nationalAgencies(): Promise<{ code: string; name: string; local: boolean }[]> {
  const [national, local] = await Promise.all([
    store.listNational<store.NationalEntry>('AGENCY'),
    store.listAgencies(),
  ]);
  const known = new Set(local.filter((a) => a.active).map((a) => a.code));
  return national.items.map((a) => ({ code: a.code, name: a.name, local: known.has(a.code) }));
}
