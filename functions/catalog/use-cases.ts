/**
 * The catalog's use cases: what handlers, the import, the CLI and the local seed all go through.
 *
 * Every write is planned against the current state (read consistently) into transaction items: the state
 * change and its `catalog.*` event (outbox) together, conditioned on the revision it was planned on. A plan
 * whose content equals what is stored has no items: nothing is written and no event is published, so
 * re-running a seed or an import is harmless. A plan that lost a race is planned again.
 */
import { createHash } from 'node:crypto';
import type { CalendarYear } from '#calendar/calendar.ts';
import { addLocalDays } from '#calendar/time.ts';
import { now } from '#platform/clock.ts';
import { invalidCursor } from '#platform/cursor.ts';
import { lostRace, MAX_TRANSACTION_ITEMS, type TransactItem, transactWrite } from '#platform/dynamo.ts';
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '#platform/errors.ts';
import { canonicalJson } from '#platform/idempotency.ts';
import { envelope, outboxPut } from '#platform/outbox.ts';
import type { ImportSummary, ProcedureSummary, ProcedureVersionList, ProcedureView } from './api/schemas.ts';
import { type CatalogKind, type ImportError, type ImportFormat, parseImport } from './domain/importExport.ts';
import type { Agency, Procedure } from './domain/schemas.ts';
import { effectiveVersion, versionStanding, vietnamDate } from './domain/versions.ts';
import type {
  AgencyUpsertedData,
  CalendarUpdatedData,
  ProcedurePublishedData,
  ProcedureRetiredData,
} from './events.ts';
import * as store from './store.ts';

/** Who asks for a change: the token's subject, or a name like `seed` / `cli:<user>` for operators' tools. */
export interface Actor {
  sub: string;
}

/** A procedure as an admin sends it: the server numbers versions and sets retired. */
export type ProcedureInput = Omit<Procedure, 'version' | 'status'> & { status: 'draft' | 'published' };

export interface ProcedureOutcome {
  procedure: Procedure;
  /** False when the content was already there: nothing written, no event. */
  changed: boolean;
  /** True when a new version number was handed out (a publication, or a first draft). */
  created: boolean;
}

interface Plan<T> {
  items: TransactItem[];
  outcome: T;
}

const CONCURRENCY_ATTEMPTS = 4;

const contentHash = (value: unknown): string => createHash('sha256').update(canonicalJson(value)).digest('hex');

const audit = (actor: Actor, at: Date): store.Audit => ({ at: at.toISOString(), by: actor.sub });

/**
 * Plans and writes in one transaction, planning again when a condition failed because someone else changed
 * the same item in between (the new plan sees their change; it may now be a no-op).
 */
async function commit<T>(plan: () => Promise<Plan<T>[]>): Promise<T[]> {
  for (let attempt = 1; ; attempt++) {
    const plans = await plan();
    try {
      await transactWrite(plans.flatMap((p) => p.items));
      return plans.map((p) => p.outcome);
    } catch (error) {
      if (!lostRace(error)) throw error;
      if (attempt >= CONCURRENCY_ATTEMPTS) {
        throw new ConflictError('concurrent-change', {
          vi: 'Danh mục đang được thay đổi đồng thời; vui lòng thử lại.',
          en: 'The catalog is being changed concurrently; please try again.',
        });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Views

/** Working days to the appointment date as api.md shows it: 0 for same-day, null without an appointment date. */
function timing(procedure: Procedure): { processingDays: number | null; sameDay?: true } {
  switch (procedure.processingTime.kind) {
    case 'working_days':
      return { processingDays: procedure.processingTime.days };
    case 'same_day':
      return { processingDays: 0, sameDay: true };
    case 'none':
      return { processingDays: null };
  }
}

/** The detail of a procedure version as GET /procedures/{code} returns it. */
export function procedureView(procedure: Procedure): ProcedureView {
  return { ...procedure, ...timing(procedure) };
}

/** What GET /procedures lists for a published version. */
export function summarize(procedure: Procedure): ProcedureSummary {
  return {
    code: procedure.code,
    version: procedure.version,
    name: procedure.name,
    field: procedure.field,
    levels: procedure.levels,
    agencyCodes: procedure.agencyCodes,
    mode: procedure.mode,
    processingTime: procedure.processingTime,
    ...timing(procedure),
    resultType: procedure.resultType,
    hasFees: procedure.fees.some((fee) => fee.kind !== 'free'),
    validFrom: procedure.validFrom,
    ...(procedure.validTo === undefined ? {} : { validTo: procedure.validTo }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Reads

export async function listAgencies(): Promise<Agency[]> {
  return store.listAgencies();
}

export async function listProcedures(
  filter: store.ProcedureFilter,
  limit: number,
  cursor: string | undefined,
): Promise<store.Page<ProcedureSummary>> {
  return store.queryPublishedProcedures(filter, limit, cursor);
}

const procedureNotFound = (code: string, version?: number) =>
  new NotFoundError(
    version === undefined
      ? { vi: `Không có thủ tục ${code} đang được công bố.`, en: `No published procedure ${code}.` }
      : {
          vi: `Không có phiên bản ${version} đã công bố của thủ tục ${code}.`,
          en: `No published version ${version} of procedure ${code}.`,
        },
  );

/**
 * A published or retired version when `version` is given (drafts are not public); otherwise the version in
 * effect today (GMT+7), or, when none is yet, the latest published one.
 */
export async function getProcedure(code: string, version?: number): Promise<Procedure> {
  let wanted = version;
  if (wanted === undefined) {
    const head = await store.getProcedureHead(code);
    if (head?.publishedVersion === undefined) throw procedureNotFound(code);
    wanted = effectiveVersion(head.versions, vietnamDate(now()))?.version ?? head.publishedVersion;
  }
  const stored = await store.getProcedureVersion(code, wanted);
  if (!stored || stored.procedure.status === 'draft') throw procedureNotFound(code, version);
  return stored.procedure;
}

/**
 * A procedure's published and retired versions, newest first, each with where it stands today (GMT+7). A
 * procedure with no published version (none, or only a draft) is a 404, as for GET /procedures/{code}.
 */
export async function listProcedureVersions(
  code: string,
  limit: number,
  cursor: string | undefined,
): Promise<ProcedureVersionList> {
  const head = await store.getProcedureHead(code);
  if (head?.publishedVersion === undefined) throw procedureNotFound(code);
  const today = vietnamDate(now());
  const inForce = effectiveVersion(head.versions, today)?.version;
  const page = store.pageVersionRefs(head, limit, cursor);
  return {
    code,
    items: page.items.map((ref) => ({ ...ref, status: versionStanding(ref, inForce, today) })),
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
  };
}

export async function getCalendar(year: number): Promise<CalendarYear> {
  const stored = await store.getCalendar(year);
  if (!stored) {
    throw new NotFoundError({ vi: `Chưa có lịch làm việc năm ${year}.`, en: `No calendar for ${year} yet.` });
  }
  return stored.calendar;
}

// ---------------------------------------------------------------------------------------------------------
// Agencies

async function planAgency(
  agency: Agency,
  actor: Actor,
  at: Date,
): Promise<Plan<{ agency: Agency; changed: boolean; created: boolean }>> {
  const existing = await store.getAgency(agency.code, true);
  const hash = contentHash(agency);
  if (existing?.contentHash === hash)
    return { items: [], outcome: { agency: existing.agency, changed: false, created: false } };
  const revision = (existing?.revision ?? 0) + 1;
  const event = envelope<AgencyUpsertedData, 'catalog.agency_upserted'>(
    'catalog',
    { type: 'catalog.agency_upserted', subject: agency.code, sequence: revision, data: { agency } },
    at,
  );
  return {
    items: [
      store.agencyPut({ agency, revision, contentHash: hash }, existing?.revision, audit(actor, at)),
      outboxPut(store.catalogTableName(), event),
    ],
    outcome: { agency, changed: true, created: existing === undefined },
  };
}

/** Creates or updates an agency (its parent must be in the catalog); the same content again is a no-op. */
export async function upsertAgency(
  agency: Agency,
  actor: Actor,
): Promise<{ agency: Agency; changed: boolean; created: boolean }> {
  if (agency.parentCode !== undefined && (await store.getAgency(agency.parentCode)) === undefined) {
    throw new ValidationError([{ path: 'body.parentCode', message: `unknown agency code ${agency.parentCode}` }]);
  }
  const at = now();
  const [outcome] = await commit(async () => [await planAgency(agency, actor, at)]);
  return outcome!;
}

// ---------------------------------------------------------------------------------------------------------
// Procedures

/** A version's ref on the head; `published` is who published it and when, kept as the ref is rewritten. */
const refOf = (
  procedure: Procedure,
  published: Pick<store.VersionRef, 'publishedAt' | 'publishedBy'>,
): store.VersionRef => ({
  version: procedure.version,
  status: procedure.status,
  validFrom: procedure.validFrom,
  ...(procedure.validTo === undefined ? {} : { validTo: procedure.validTo }),
  ...(published.publishedAt === undefined ? {} : { publishedAt: published.publishedAt }),
  ...(published.publishedBy === undefined ? {} : { publishedBy: published.publishedBy }),
});

/**
 * The previous published version once `validFrom` starts a new one: it ends the day before (never before it
 * began), and is retired if the new one already applies today or it never gets a day of its own.
 */
export function supersede(previous: Procedure, validFrom: string, today: string): Procedure {
  const dayBefore = addLocalDays(validFrom, -1);
  const neverApplies = dayBefore < previous.validFrom;
  const end = neverApplies ? previous.validFrom : dayBefore;
  const validTo = previous.validTo !== undefined && previous.validTo < end ? previous.validTo : end;
  const retired = neverApplies || validFrom <= today;
  return { ...previous, validTo, status: retired ? 'retired' : previous.status };
}

async function planProcedure(input: ProcedureInput, actor: Actor, at: Date): Promise<Plan<ProcedureOutcome>> {
  const { status, ...content } = input;
  const code = content.code;
  const hash = contentHash(content);
  const head = await store.getProcedureHead(code, true);
  const who = audit(actor, at);
  const latestVersion = head?.latestVersion ?? 0;

  if (status === 'draft') {
    if (head?.draftVersion !== undefined && head.draftHash === hash) {
      const draft = await store.getProcedureVersion(code, head.draftVersion, true);
      if (draft) return { items: [], outcome: { procedure: draft.procedure, changed: false, created: false } };
    }
    const version = head?.draftVersion ?? latestVersion + 1;
    const procedure: Procedure = { ...content, version, status: 'draft' };
    const nextHead: store.ProcedureHead = {
      ...(head ?? { code, versions: [] }),
      revision: (head?.revision ?? 0) + 1,
      latestVersion: Math.max(latestVersion, version),
      draftVersion: version,
      draftHash: hash,
    };
    return {
      items: [
        store.procedureVersionPut({ procedure, contentHash: hash }, who, 'new-or-draft'),
        store.procedureHeadPut(nextHead, head?.revision, who),
      ],
      outcome: { procedure, changed: true, created: head?.draftVersion === undefined },
    };
  }

  const previous =
    head?.publishedVersion === undefined
      ? undefined
      : await store.getProcedureVersion(code, head.publishedVersion, true);
  if (previous && head?.publishedHash === hash) {
    return { items: [], outcome: { procedure: previous.procedure, changed: false, created: false } };
  }
  // Publishing consumes the draft: the working copy's number becomes the published version's.
  const version = head?.draftVersion ?? latestVersion + 1;
  const procedure: Procedure = { ...content, version, status: 'published' };
  const superseded = previous ? supersede(previous.procedure, procedure.validFrom, vietnamDate(at)) : undefined;
  const versions = [
    ...(head?.versions ?? []).filter((ref) => ref.version !== superseded?.version && ref.version !== version),
    ...(superseded ? [refOf(superseded, head?.versions.find((ref) => ref.version === superseded.version) ?? {})] : []),
    refOf(procedure, { publishedAt: who.at, publishedBy: who.by }),
  ].sort((a, b) => a.version - b.version);
  const { draftVersion: _draft, draftHash: _draftHash, ...kept } = head ?? { code, versions: [] };
  const nextHead: store.ProcedureHead = {
    ...kept,
    code,
    revision: (head?.revision ?? 0) + 1,
    latestVersion: Math.max(latestVersion, version),
    publishedVersion: version,
    publishedHash: hash,
    versions,
    summary: summarize(procedure),
  };

  const table = store.catalogTableName();
  const items: TransactItem[] = [
    store.procedureVersionPut({ procedure, contentHash: hash }, who, 'new-or-draft'),
    store.procedureHeadPut(nextHead, head?.revision, who),
    outboxPut(
      table,
      envelope<ProcedurePublishedData, 'catalog.procedure_published'>(
        'catalog',
        { type: 'catalog.procedure_published', subject: code, sequence: version, data: { procedure } },
        at,
      ),
    ),
  ];
  if (previous && superseded && canonicalJson(superseded) !== canonicalJson(previous.procedure)) {
    items.push(
      store.procedureVersionPut({ procedure: superseded, contentHash: previous.contentHash }, who, 'supersede'),
    );
    if (superseded.status === 'retired' && previous.procedure.status !== 'retired') {
      // Same sequence as the publication that retired it: both events belong to that one change.
      items.push(
        outboxPut(
          table,
          envelope<ProcedureRetiredData, 'catalog.procedure_retired'>(
            'catalog',
            {
              type: 'catalog.procedure_retired',
              subject: code,
              sequence: version,
              data: { code, version: superseded.version },
            },
            at,
          ),
        ),
      );
    }
  }
  return { items, outcome: { procedure, changed: true, created: true } };
}

/** Field errors for agency codes a procedure names that the catalog does not know. */
async function unknownAgencyErrors(procedure: ProcedureInput, prefix: string): Promise<FieldError[]> {
  const known = new Set(await store.listAgencyCodes());
  const errors: FieldError[] = [];
  procedure.agencyCodes.forEach((code, index) => {
    if (!known.has(code))
      errors.push({ path: `${prefix}agencyCodes.${index}`, message: `unknown agency code ${code}` });
  });
  (procedure.steps ?? []).forEach((step, index) => {
    if (step.agencyCode !== undefined && !known.has(step.agencyCode)) {
      errors.push({ path: `${prefix}steps.${index}.agencyCode`, message: `unknown agency code ${step.agencyCode}` });
    }
  });
  return errors;
}

/**
 * Saves a draft, or publishes a new version (the previous one ends the day before `validFrom`). The same
 * content as the current draft / published version is a no-op. Unknown agency codes are a 400 naming
 * `body.agencyCodes.N`.
 */
export async function saveProcedure(input: ProcedureInput, actor: Actor): Promise<ProcedureOutcome> {
  const errors = await unknownAgencyErrors(input, 'body.');
  if (errors.length > 0) throw new ValidationError(errors);
  const at = now();
  const [outcome] = await commit(async () => [await planProcedure(input, actor, at)]);
  return outcome!;
}

// ---------------------------------------------------------------------------------------------------------
// Calendar

/** Sets one calendar year (already validated by `calendarYearSchema`); the same content again is a no-op. */
export async function putCalendar(
  calendar: CalendarYear,
  actor: Actor,
): Promise<{ calendar: CalendarYear; changed: boolean }> {
  const at = now();
  const [outcome] = await commit(async () => {
    const existing = await store.getCalendar(calendar.year, true);
    const hash = contentHash(calendar);
    if (existing?.contentHash === hash)
      return [{ items: [], outcome: { calendar: existing.calendar, changed: false } }];
    const revision = (existing?.revision ?? 0) + 1;
    const event = envelope<CalendarUpdatedData, 'catalog.calendar_updated'>(
      'catalog',
      { type: 'catalog.calendar_updated', subject: String(calendar.year), sequence: revision, data: { calendar } },
      at,
    );
    return [
      {
        items: [
          store.calendarPut({ calendar, revision, contentHash: hash }, existing?.revision, audit(actor, at)),
          outboxPut(store.catalogTableName(), event),
        ],
        outcome: { calendar, changed: true },
      },
    ];
  });
  return outcome!;
}

// ---------------------------------------------------------------------------------------------------------
// Import and export

export type ImportOutcome = { ok: true; summary: ImportSummary } | { ok: false; errors: ImportError[] };

/** Rows per transaction: an agency writes 2 items, a procedure at most 5, so both stay within 100. */
const ROWS_PER_TRANSACTION: Record<CatalogKind, number> = { agencies: 50, procedures: 20 };

/**
 * Of a file's procedure rows, those to apply, in order: per code, the highest published version, then the
 * highest draft. Other rows are history (earlier or retired versions): applying them would publish old content
 * again, so they are skipped and importing an export twice changes nothing.
 */
export function rowsToApply(procedures: readonly Procedure[]): ProcedureInput[] {
  const published = new Map<string, Procedure>();
  const drafts = new Map<string, Procedure>();
  for (const procedure of procedures) {
    const target = procedure.status === 'published' ? published : procedure.status === 'draft' ? drafts : undefined;
    const seen = target?.get(procedure.code);
    if (target && (seen === undefined || procedure.version > seen.version)) target.set(procedure.code, procedure);
  }
  const toInput = ({ version: _version, status, ...rest }: Procedure): ProcedureInput => ({
    ...rest,
    status: status === 'draft' ? 'draft' : 'published',
  });
  return [...published.values(), ...drafts.values()].map(toInput);
}

/** Splits rows into transactions: at most `size` rows, and never one item (code) twice in a transaction. */
function chunks<T>(rows: readonly T[], size: number, keyOf: (row: T) => string): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let keys = new Set<string>();
  for (const row of rows) {
    if (current.length >= size || keys.has(keyOf(row))) {
      out.push(current);
      current = [];
      keys = new Set();
    }
    current.push(row);
    keys.add(keyOf(row));
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Imports agencies or procedures, all or nothing as far as validation goes: every row is checked first
 * (shape, cross-field rules, duplicates, agency codes known to the catalog or in the same file); if any row
 * fails, nothing is written and the errors name row and field. Then the rows are applied as the admin writes
 * would, each with its event, in transactions of at most 100 items. A transaction failing part-way leaves the
 * earlier ones applied; importing the same file again completes it (applied rows are no-ops).
 */
export async function importCatalog(
  kind: CatalogKind,
  text: string,
  options: { format?: ImportFormat; actor: Actor },
): Promise<ImportOutcome> {
  const knownAgencyCodes = await store.listAgencyCodes();
  const parseOptions = { knownAgencyCodes, ...(options.format ? { format: options.format } : {}) };
  const at = now();
  let changed = 0;

  if (kind === 'agencies') {
    const parsed = parseImport('agencies', text, parseOptions);
    if (!parsed.ok) return { ok: false, errors: parsed.errors };
    for (const chunk of chunks(parsed.items, ROWS_PER_TRANSACTION.agencies, (a) => a.code)) {
      const outcomes = await commit(() => Promise.all(chunk.map((agency) => planAgency(agency, options.actor, at))));
      changed += outcomes.filter((o) => o.changed).length;
    }
    const total = parsed.items.length;
    return { ok: true, summary: { kind, total, changed, unchanged: total - changed, skipped: 0 } };
  }

  const parsed = parseImport('procedures', text, parseOptions);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const rows = rowsToApply(parsed.items);
  for (const chunk of chunks(rows, ROWS_PER_TRANSACTION.procedures, (p) => p.code)) {
    const outcomes = await commit(() => Promise.all(chunk.map((row) => planProcedure(row, options.actor, at))));
    changed += outcomes.filter((o) => o.changed).length;
  }
  const total = parsed.items.length;
  return {
    ok: true,
    summary: { kind, total, changed, unchanged: rows.length - changed, skipped: total - rows.length },
  };
}

// Keep each transaction provably within DynamoDB's limit if the row sizes above are ever changed.
const MAX_ITEMS_PER_ROW: Record<CatalogKind, number> = { agencies: 2, procedures: 5 };
for (const kind of ['agencies', 'procedures'] as const) {
  if (ROWS_PER_TRANSACTION[kind] * MAX_ITEMS_PER_ROW[kind] > MAX_TRANSACTION_ITEMS) {
    throw new Error(`catalog import: ${kind} transactions could exceed ${MAX_TRANSACTION_ITEMS} items`);
  }
}

/** One page of an export: every agency at once, or the current published procedures page by page. */
export async function exportCatalog(
  kind: CatalogKind,
  cursor: string | undefined,
): Promise<store.Page<Agency | Procedure>> {
  if (kind === 'agencies') {
    // One page, so no cursor is ever one of ours: a 400 like any other list's foreign cursor, not ignored.
    if (cursor !== undefined) throw invalidCursor();
    return { items: await store.listAgencies() };
  }
  return store.pagePublishedProcedures(cursor, 50);
}
