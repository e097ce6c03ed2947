/**
 * Requests and responses of the reporting HTTP API (reports, the national index, sync state, and the local
 * national-portal stand-in). The handlers validate with these schemas and the OpenAPI document is generated from
 * them.
 */
import * as z from 'zod';
import { COUNTER_NAMES } from '../domain/counters.ts';
import { INDICATOR_IDS } from '../domain/index.ts';
import { OPEN_STATES } from '../domain/period.ts';
import { REPORT_GROUP_BYS } from '../domain/report.ts';
import { isDay, isMonth, monthsBetween } from '../domain/time.ts';

/** The longest period a report covers (months): reads grow with it. */
export const MAX_REPORT_MONTHS = 60;

const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM')
  .describe('A month in GMT+7, YYYY-MM (inclusive).');

const agencyCode = z
  .string()
  .regex(/^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/, 'must look like 000.00.15.H19')
  .describe('Agency electronic identifier.');

const booleanFlag = z
  .enum(['true', 'false'])
  .transform((value) => value === 'true')
  .optional();

interface Period {
  from: string;
  to: string;
}

function checkPeriod(period: Period, ctx: z.RefinementCtx): void {
  if (!isMonth(period.from) || !isMonth(period.to)) return;
  if (period.to < period.from) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  } else if (monthsBetween(period.from, period.to).length > MAX_REPORT_MONTHS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `a report covers at most ${MAX_REPORT_MONTHS} months` });
  }
}

export const dossierReportQuerySchema = z
  .object({
    from: month,
    to: month,
    agencyCode: agencyCode
      .optional()
      .describe("Only this agency's dossiers (an officer's own agency is applied whether given or not)."),
    includeSubAgencies: booleanFlag.describe(
      'With agencyCode (leaders and admins): the agency and every agency below it in the catalog.',
    ),
    procedureCode: z.string().min(1).max(60).optional().describe('Only this procedure.'),
    groupBy: z.enum(REPORT_GROUP_BYS).default('agency').describe('One row per agency, procedure or month.'),
    format: z.enum(['json', 'csv']).optional().describe('csv: the same as Accept: text/csv.'),
  })
  .superRefine(checkPeriod);
export type DossierReportQuery = z.output<typeof dossierReportQuerySchema>;

export const indexQuerySchema = z
  .object({
    from: month,
    to: month,
    agencyCode: agencyCode.optional().describe("Only this agency (an officer's own agency is always applied)."),
    includeSubAgencies: booleanFlag.describe('With agencyCode: the agency and every agency below it.'),
  })
  .superRefine(checkPeriod);
export type IndexQuery = z.output<typeof indexQuerySchema>;

export const publicIndexQuerySchema = z.object({ from: month, to: month }).superRefine(checkPeriod);

const count = z.number().int();
const localizedName = z.object({ vi: z.string(), en: z.string().optional() });

const reportRowSchema = z
  .object({
    groupBy: z.enum(REPORT_GROUP_BYS),
    key: z.string().describe('The agency code, procedure code or month of the row ("" for the total).'),
    name: localizedName.optional().describe('The agency or procedure name, when the catalog has it.'),
    parentCode: z.string().optional().describe('The parent agency (rows by agency).'),
    averageHandlingDays: z.number().nullable().describe('Average handling time in working days (resolved dossiers).'),
    ...Object.fromEntries(COUNTER_NAMES.map((name) => [name, count])),
    ...Object.fromEntries(OPEN_STATES.map((state) => [state, count])),
  })
  .describe(
    'Counts of one group: intake by channel, outcomes (early / on time / late), open dossiers at the end of the ' +
      'period (or of the month) in progress or paused, within time or overdue, payments, digitization, results.',
  );

const scopeSchema = z.object({
  level: z.enum(['province', 'agency']),
  agencyCodes: z.array(z.string()).optional().describe('The agencies covered (agency level).'),
  procedureCode: z.string().optional(),
});

export const dossierReportSchema = z.object({
  from: month,
  to: month,
  periodEnd: z
    .string()
    .nullable()
    .describe('The day (GMT+7) at whose end open dossiers are classified; null for a period not begun yet.'),
  groupBy: z.enum(REPORT_GROUP_BYS),
  scope: scopeSchema,
  rows: z.array(reportRowSchema),
  total: reportRowSchema,
});

const bilingual = z.object({ vi: z.string(), en: z.string() });

const indicatorSchema = z.object({
  id: z.enum(INDICATOR_IDS),
  group: z.string(),
  name: bilingual,
  numerator: z.number(),
  denominator: z.number(),
  ratio: z.number().nullable().describe('0..1; null when the denominator is 0 or the indicator is not a share.'),
  target: z.number(),
  maxPoints: z.number(),
  score: z.number().nullable().describe('min(max, ratio / target × max), 2 decimals; null when not scored.'),
  averageWorkingDays: z.number().nullable().optional().describe('2.2 only.'),
});

export const nationalIndexSchema = z.object({
  from: month,
  to: month,
  periodEnd: z.string().nullable(),
  scope: scopeSchema,
  catalogStats: z.object({
    procedures: count,
    onlineProcedures: count,
    feeBearingProcedures: count.optional(),
    feeBearingProceduresPayableOnline: count.optional(),
  }),
  openAtEnd: z.object(Object.fromEntries(OPEN_STATES.map((state) => [state, count]))),
  indicators: z.array(indicatorSchema),
  groups: z.array(
    z.object({
      id: z.string(),
      name: bilingual,
      maxPoints: z.number(),
      scoredMaxPoints: z.number(),
      score: z.number(),
    }),
  ),
  total: z.object({ maxPoints: z.number(), scoredMaxPoints: z.number(), score: z.number() }),
});

// ---------------------------------------------------------------------------------------------------------
// Sync to the national portal

export const syncStatusQuerySchema = z.object({ code: z.string().min(1).max(60).describe('The dossier code.') });

export const syncStatusSchema = z.object({
  dossierCode: z.string(),
  agencyCode: z.string().describe('The agency that received the dossier.'),
  currentAgencyCode: z.string().describe('The agency holding it now.'),
  status: z
    .enum(['never', 'synced', 'pending', 'retrying'])
    .describe('retrying: the last push failed and is retried with backoff.'),
  latestSequence: z.number().int().describe('The newest version of the dossier reporting knows.'),
  lastSyncedSequence: z.number().int().nullable().describe('The version the national portal holds.'),
  pendingSequence: z.number().int().nullable(),
  attempts: z.number().int().describe('Failed pushes since the last success.'),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  lastSyncedAt: z.string().nullable(),
});

export const syncFailuresQuerySchema = z.object({
  cursor: z.string().min(1).max(2000).optional().describe('The nextCursor of the previous page.'),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.int().min(1).max(100))
    .optional()
    .describe('Page size, 1–100 (default 50).'),
});

export const syncFailuresSchema = z.object({ items: z.array(syncStatusSchema), nextCursor: z.string().optional() });

// ---------------------------------------------------------------------------------------------------------
// National re-sync (domain/resync.ts)

const localDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day YYYY-MM-DD')
  .refine(isDay, 'must be a calendar day')
  .describe('A day in GMT+7, YYYY-MM-DD (inclusive).');

const procedureCode = z.string().min(1).max(40).describe('Procedure code (the local one).');

export const startResyncBodySchema = z
  .strictObject({
    scope: z
      .enum(['all', 'received'])
      .describe('all: every dossier reporting knows; received: those received (NgayTiepNhan) from–to.'),
    receivedFrom: localDay.optional().describe('With scope received: the first reception day, GMT+7.'),
    receivedTo: localDay.optional().describe('With scope received: the last reception day, GMT+7.'),
    agencyCode: agencyCode.optional().describe('Only the dossiers received by this agency.'),
    procedureCode: procedureCode.optional().describe('Only the dossiers of this procedure.'),
    reason: z.string().trim().min(5).max(500).describe('Why (kept with the job: who asked, and why).'),
  })
  .superRefine((body, ctx) => {
    if (body.scope === 'all') {
      for (const field of ['receivedFrom', 'receivedTo'] as const) {
        if (body[field] !== undefined)
          ctx.addIssue({ code: 'custom', path: [field], message: 'only with scope received' });
      }
      return;
    }
    for (const field of ['receivedFrom', 'receivedTo'] as const) {
      if (body[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: 'required with scope received' });
    }
    if (body.receivedFrom && body.receivedTo && body.receivedTo < body.receivedFrom) {
      ctx.addIssue({ code: 'custom', path: ['receivedTo'], message: 'must not be before receivedFrom' });
    }
  })
  .meta({
    examples: [
      { scope: 'all', reason: 'Cổng DVCQG khôi phục dữ liệu, yêu cầu tỉnh đồng bộ lại toàn bộ hồ sơ' },
      {
        scope: 'received',
        receivedFrom: '2026-05-01',
        receivedTo: '2026-05-31',
        agencyCode: '000.00.15.H19',
        reason: 'Hồ sơ tháng 5 của Sở Tư pháp không hiển thị trên Cổng DVCQG',
      },
    ],
  });

export const resyncParamsSchema = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a re-sync id')
    .describe('The re-sync job id (POST /sync/resyncs answered it).'),
});

const resyncCount = z.number().int();

export const resyncSchema = z
  .object({
    id: z.string(),
    status: z
      .enum(['marking', 'pushing', 'completed'])
      .describe(
        'marking: the sweep is still going through the range (a few pages every 5 minutes); pushing: every ' +
          'dossier of the range is marked, the sweep is sending them; completed: every marked dossier was sent.',
      ),
    range: z.object({
      scope: z.enum(['all', 'received']),
      receivedFrom: z.string().optional(),
      receivedTo: z.string().optional(),
      agencyCode: z.string().optional(),
      procedureCode: z.string().optional(),
    }),
    reason: z.string(),
    requestedBy: z.object({ sub: z.string(), name: z.string().optional() }).describe('The admin who asked.'),
    requestedAt: z.string(),
    markingFinishedAt: z.string().nullable(),
    counts: z.object({
      scanned: resyncCount.describe('Dossiers looked at so far.'),
      matched: resyncCount.describe('Of those, in the range.'),
      marked: resyncCount.describe('Marked to be sent again.'),
      alreadyMarked: resyncCount.describe('In the range but already marked by another re-sync (sent once).'),
      notSynced: resyncCount.describe(
        'In the range but never acknowledged by the portal (the normal sync sends them).',
      ),
      unavailable: resyncCount.describe(
        'In the range, acknowledged, but no accepted record kept to send again (synced before re-syncs existed).',
      ),
      pushed: resyncCount.describe('Marked dossiers whose current record the portal took.'),
      failed: resyncCount.describe('Marked dossiers whose send is failing now (retried with backoff).'),
      dropped: resyncCount.describe('Marked dossiers found with nothing to send.'),
    }),
  })
  .meta({
    examples: [
      {
        id: '3f0b7f0e-5a44-4c1e-9a55-0c1f3c2b8d21',
        status: 'pushing',
        range: { scope: 'received', receivedFrom: '2026-05-01', receivedTo: '2026-05-31', agencyCode: '000.00.15.H19' },
        reason: 'Hồ sơ tháng 5 của Sở Tư pháp không hiển thị trên Cổng DVCQG',
        requestedBy: { sub: 'admin-1', name: 'Lê Thị Hoa' },
        requestedAt: '2026-06-02T02:15:00.000Z',
        markingFinishedAt: '2026-06-02T02:20:04.120Z',
        counts: {
          scanned: 18_240,
          matched: 412,
          marked: 409,
          alreadyMarked: 0,
          notSynced: 3,
          unavailable: 0,
          pushed: 300,
          failed: 2,
          dropped: 0,
        },
      },
    ],
  });
