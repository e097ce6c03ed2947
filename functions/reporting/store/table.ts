/**
 * The reporting table: keys of every item and the read-unit meter. Single-table design (the access patterns are
 * declared in topology.ts):
 *
 * | item                         | pk                      | sk                        | gsi1pk / gsi1sk          |
 * |------------------------------|-------------------------|---------------------------|--------------------------|
 * | dossier fact                 | FACT#<code>             | FACT                      | —                        |
 * | counters of a bucket         | COUNTERS#<YYYY-MM>      | <agency>#<procedure>      | —                        |
 * | open change points of a bucket | OPEN#<YYYY-MM>        | <agency>#<procedure>      | —                        |
 * | all-time open totals         | OPENTOTAL               | <agency>#<procedure>      | —                        |
 * | months holding open points   | META                    | OPEN_MONTHS               | —                        |
 * | online payment of a dossier  | PAYMENT#<code>          | PAYMENT                   | —                        |
 * | catalog: procedure           | CATALOG#PROCEDURE       | <code>                    | —                        |
 * | catalog: agency              | CATALOG#AGENCY          | <code>                    | —                        |
 * | catalog: calendar year       | CATALOG#CALENDAR        | <year>                    | —                        |
 * | catalog stats                | CATALOG#STATS           | PROVINCE / AGENCY#<code>  | —                        |
 * | national-portal sync state   | SYNC#<code>             | SYNC                      | SYNC#PENDING / <next attempt> (while pending); SYNC#RESYNC / <next attempt> (while only a re-send is pending) |
 * | national-portal step to send| SYNC#<code>             | STEP#<version, 10 digits> | —                        |
 * | last record the portal took  | SYNC#<code>             | RECORD                    | —                        |
 * | national re-sync job         | RESYNC#<id>             | RESYNC                    | RESYNC#MARKING / <requested at>#<id> (while marking) |
 * | re-sync of a range running   | RESYNCLOCK#<range key>  | LOCK                      | —                        |
 * | inbox (platform)             | INBOX#<consumer>#<id>   | INBOX                     | —                        |
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { tableName } from '#platform/env.ts';

/** Physical name of the reporting table (read at call time: the local runtime sets it after import). */
export const reportingTableName = (): string => tableName('reporting');

export const keys = {
  fact: (code: string) => ({ pk: `FACT#${code}`, sk: 'FACT' }),
  counters: (month: string, agencyCode: string, procedureCode: string) => ({
    pk: `COUNTERS#${month}`,
    sk: `${agencyCode}#${procedureCode}`,
  }),
  countersPartition: (month: string) => `COUNTERS#${month}`,
  open: (month: string, agencyCode: string, procedureCode: string) => ({
    pk: `OPEN#${month}`,
    sk: `${agencyCode}#${procedureCode}`,
  }),
  openPartition: (month: string) => `OPEN#${month}`,
  openTotal: (agencyCode: string, procedureCode: string) => ({ pk: 'OPENTOTAL', sk: `${agencyCode}#${procedureCode}` }),
  openTotalPartition: 'OPENTOTAL',
  openMonths: { pk: 'META', sk: 'OPEN_MONTHS' },
  payment: (dossierCode: string) => ({ pk: `PAYMENT#${dossierCode}`, sk: 'PAYMENT' }),
  procedure: (code: string) => ({ pk: 'CATALOG#PROCEDURE', sk: code }),
  procedurePartition: 'CATALOG#PROCEDURE',
  agency: (code: string) => ({ pk: 'CATALOG#AGENCY', sk: code }),
  agencyPartition: 'CATALOG#AGENCY',
  calendar: (year: number) => ({ pk: 'CATALOG#CALENDAR', sk: String(year) }),
  calendarPartition: 'CATALOG#CALENDAR',
  stats: (agencyCode?: string) => ({
    pk: 'CATALOG#STATS',
    sk: agencyCode === undefined ? 'PROVINCE' : `AGENCY#${agencyCode}`,
  }),
  sync: (code: string) => ({ pk: `SYNC#${code}`, sk: 'SYNC' }),
  syncStep: (code: string, sequence: number) => ({
    pk: `SYNC#${code}`,
    sk: `STEP#${String(sequence).padStart(10, '0')}`,
  }),
  syncStepPrefix: 'STEP#',
  syncPendingIndex: 'SYNC#PENDING',
  syncKeptRecord: (code: string) => ({ pk: `SYNC#${code}`, sk: 'RECORD' }),
  syncResendIndex: 'SYNC#RESYNC',
  resyncJob: (id: string) => ({ pk: `RESYNC#${id}`, sk: 'RESYNC' }),
  resyncMarkingIndex: 'RESYNC#MARKING',
  resyncLock: (rangeKey: string) => ({ pk: `RESYNCLOCK#${rangeKey}`, sk: 'LOCK' }),
} as const;

/** The (agency, procedure) part of a bucket's sort key. */
export const bucketSortKey = (agencyCode: string, procedureCode: string): string => `${agencyCode}#${procedureCode}`;

/**
 * Sums the read capacity a request consumed (ReturnConsumedCapacity), so a report can say what it cost: the
 * `x-read-units` header shows that a report reads buckets, not dossiers.
 */
export class ReadMeter {
  #units = 0;
  #requests = 0;

  add(consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): void {
    this.#requests += 1;
    for (const item of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
      this.#units += item.CapacityUnits ?? item.ReadCapacityUnits ?? 0;
    }
  }

  /** Read capacity units consumed so far. */
  get units(): number {
    return Math.round(this.#units * 100) / 100;
  }

  /** DynamoDB requests made so far. */
  get requests(): number {
    return this.#requests;
  }
}
