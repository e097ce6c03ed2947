/**
 * Report cost: the DynamoDB read units of GET /reports/dossiers and GET /reports/index for one month, once the
 * month holds 1,000 dossiers and again once it holds 100,000. Target: equal (a report reads counter buckets per
 * month × (agency, procedure), never the dossiers).
 *
 * 100,000 dossiers through HTTP would take hours here, so the reporting context's consumer is fed directly: its
 * handler module (the code Lambda runs, loaded as the local runtime loads it) receives SQS-shaped batches of
 * dossier events, 10 per batch, several batches at once, failed records retried as SQS would redeliver them.
 * Each dossier is one event carrying its latest snapshot (the projection derives its fact from the snapshot, not
 * the event type, so one event leaves the same counters as the whole chain); the dossiers are spread over every
 * (agency, procedure) the seeded catalog publishes and over the month's working days, with a realistic mix of
 * outcomes (returned early/on time/late, resolved, in progress, paused, rejected, withdrawn, stopped, waiting).
 *
 * Read units: the `x-read-units` header the reporting functions send, beside an independent meter on the shared
 * DynamoDB client (ReturnConsumedCapacity=TOTAL on every read while a report request is in flight). The reports
 * are read at 1,000, 10,000 and 100,000 dossiers; DynamoDB Local takes roughly 50–200 projection transactions a
 * second on two cores, so the load is bounded in time (BENCH_REPORT_MAX_MINUTES, default 6) and the table says
 * how far it got; BENCH_REPORT_DOSSIERS changes the full count.
 */
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  addLocalDays,
  addOfficeMinutes,
  computeAppointment,
  createWorkingCalendar,
  extendForPause,
  startOfLocalDay,
  toLocalDate,
  toLocalIso,
  VIETNAM_CALENDAR_2025_2027,
  workingDaysToMinutes,
} from '#calendar/index.ts';
import type {
  Channel,
  DossierEventData,
  DossierEventType,
  DossierSnapshot,
  DossierStatus,
  HistoryEntry,
} from '#dossiers/events.ts';
import { NATIONAL_STATUS_CODE } from '#dossiers/events.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { functionNamed } from '#topology/index.ts';
import { LocalLambdas } from '../packages/local-cloud/src/lambda.ts';
import {
  type BenchCloud,
  meterSharedReads,
  REPO_ROOT,
  type ReadMeter,
  round,
  type SeedProcedure,
  seedProcedures,
  startBenchCloud,
  writeDetail,
} from './support.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Dates and deadlines come from the calendar kernel, like the dossiers context's own: the national calendar
// (holidays included), office hours, GMT+7. A month outside the calendar's years fails loudly.
const CALENDAR = createWorkingCalendar(VIETNAM_CALENDAR_2025_2027);

/** 'YYYY-MM-DDTHH:MM:SS+07:00' of an instant. */
const vnIso = (ms: number): string => toLocalIso(new Date(ms));
/** The instant of a Vietnam local date and time. */
const vnInstant = (date: string, minutes: number): number => startOfLocalDay(date).getTime() + minutes * 60_000;
/** `days` working days of office time after the instant (the kernel's rule; halves allowed). */
const afterWorkingDays = (ms: number, days: number): number =>
  addOfficeMinutes(new Date(ms), workingDaysToMinutes(days), CALENDAR).getTime();

/** The month before the current one in Vietnam: a closed month, as reports are usually asked for. */
export function previousMonth(nowMs: number): string {
  const firstOfMonth = `${toLocalDate(new Date(nowMs)).slice(0, 7)}-01`;
  return addLocalDays(firstOfMonth, -1).slice(0, 7);
}

function workingDaysOf(month: string): string[] {
  const days: string[] = [];
  for (let date = `${month}-01`; date.startsWith(month); date = addLocalDays(date, 1)) {
    if (CALENDAR.isWorkingDay(date)) days.push(date);
  }
  return days;
}

/** A deterministic spread in 0..99 for the i-th dossier (Knuth's multiplicative hash). */
const spread = (i: number, salt = 0): number => (Math.imul(i + salt * 7_919, 2_654_435_761) >>> 0) % 100;

interface Outcome {
  status: DossierStatus;
  timeliness?: 'early' | 'on_time' | 'late';
  feedback?: boolean;
  supplemented?: boolean;
}

/** The mix of where a month's dossiers stand when the report is asked for. */
function outcomeOf(i: number): Outcome {
  const r = spread(i);
  const timeliness = (): Outcome['timeliness'] => {
    const t = spread(i, 1);
    return t < 70 ? 'early' : t < 80 ? 'on_time' : 'late';
  };
  if (r < 58) return { status: 'returned', timeliness: timeliness(), feedback: spread(i, 2) < 35 };
  if (r < 66) return { status: 'resolved', timeliness: timeliness() };
  if (r < 76) return { status: 'processing', supplemented: spread(i, 3) < 15 };
  if (r < 80) return { status: 'supplement_requested' };
  if (r < 85) return { status: 'received' };
  if (r < 89) return { status: 'rejected' };
  if (r < 92) return { status: 'withdrawn' };
  if (r < 93) return { status: 'stopped' };
  return { status: 'submitted' };
}

const EVENT_OF: Record<DossierStatus, DossierEventType> = {
  submitted: 'dossier.submitted',
  received: 'dossier.received',
  rejected: 'dossier.rejected',
  processing: 'dossier.processing_started',
  supplement_requested: 'dossier.supplement_requested',
  payment_requested: 'dossier.payment_requested',
  withdrawn: 'dossier.withdrawn',
  stopped: 'dossier.stopped',
  resolved: 'dossier.resolved',
  returned: 'dossier.returned',
};

interface Bucket {
  agencyCode: string;
  procedure: SeedProcedure;
}

/** Generates the month's dossier events, as the dossiers context would publish their latest state. */
export class MonthOfDossiers {
  readonly month: string;
  readonly #buckets: Bucket[];
  readonly #days: string[];
  readonly #sequences = new Map<string, number>();

  constructor(month: string, procedures: SeedProcedure[]) {
    this.month = month;
    this.#buckets = procedures.flatMap((procedure) =>
      procedure.agencyCodes.map((agencyCode) => ({ agencyCode, procedure })),
    );
    this.#days = workingDaysOf(month);
  }

  get bucketCount(): number {
    return this.#buckets.length;
  }

  /** The event of the i-th dossier of the month (consecutive dossiers fall in different buckets). */
  event(i: number): EventEnvelope<DossierEventData, DossierEventType> {
    const { agencyCode, procedure } = this.#buckets[i % this.#buckets.length]!;
    const day = this.#days[Math.floor(i / this.#buckets.length) % this.#days.length]!;
    const submitted = vnInstant(day, 7 * 60 + 30 + ((i * 37) % 540));
    const counter = `${agencyCode}|${day}`;
    const sequence = (this.#sequences.get(counter) ?? 0) + 1;
    this.#sequences.set(counter, sequence);
    const code = `${agencyCode}-${day.slice(2).replaceAll('-', '')}-${String(sequence).padStart(4, '0')}`;
    const outcome = outcomeOf(i);
    const channelPick = spread(i, 4);
    const channel: Channel = channelPick < 72 ? 'online' : channelPick < 96 ? 'in_person' : 'post';
    const processingDays = procedure.processingTime.kind === 'working_days' ? (procedure.processingTime.days ?? 5) : 0;
    const feeTotal = procedure.fees.reduce((sum, fee) => sum + (fee.amount ?? fee.amountPerCopy ?? 0), 0);

    const history: HistoryEntry[] = [];
    const citizen = { sub: `0790${String(i).padStart(8, '0')}`, role: 'citizen' as const };
    const official = { sub: `officer-${agencyCode}`, role: 'officer' as const, agencyCode };
    const step = (at: number, action: string, from: DossierStatus | null, to: DossierStatus, official_ = true) =>
      history.push({ at: vnIso(at), action, by: official_ ? official : citizen, from, to });
    step(submitted, 'submit', null, 'submitted', false);

    const snapshot: DossierSnapshot = {
      code,
      procedureCode: procedure.code,
      procedureName: procedure.name.vi,
      procedureVersion: 1,
      field: procedure.field,
      agencyCode,
      currentAgencyCode: agencyCode,
      channel,
      applicant: { idNumber: citizen.sub, fullName: `Người nộp ${i}`, type: 'citizen', language: 'vi' },
      authenticatedWithVneid: channel === 'online',
      status: outcome.status,
      nationalStatusCode: NATIONAL_STATUS_CODE[outcome.status],
      version: 1,
      submittedAt: vnIso(submitted),
      previousAppointments: [],
      timeliness: null,
      supplements: [],
      steps: [],
      documents: [
        { requirementCode: 'TO_KHAI', documentId: `doc-${i}-1`, digitized: channel !== 'online', reused: i % 4 === 0 },
        { requirementCode: 'GIAY_TO', documentId: `doc-${i}-2`, digitized: false, reused: false },
      ],
      fees: feeTotal > 0 ? [{ code: 'LE_PHI', name: 'Lệ phí', amount: feeTotal }] : [],
      feeTotal,
      paymentStatus: feeTotal > 0 ? 'paid' : 'unpaid',
      paidOnline: feeTotal > 0 && channel === 'online' && spread(i, 5) < 60,
      resultType: procedure.resultType ?? 'paper',
      resultDelivery: channel === 'online' ? 'online' : 'counter',
      history,
    };
    if (outcome.status === 'submitted') return this.#envelope(snapshot, history);
    if (outcome.status === 'rejected') {
      const at = submitted + 2 * HOUR;
      step(at, 'reject', 'submitted', 'rejected');
      snapshot.rejectedAt = vnIso(at);
      snapshot.endedAt = vnIso(at);
      snapshot.timeliness = 'on_time';
      return this.#envelope(snapshot, history);
    }
    if (outcome.status === 'withdrawn' && i % 2 === 0) {
      step(submitted + 3 * HOUR, 'withdraw', 'submitted', 'withdrawn', false);
      return this.#envelope(snapshot, history);
    }
    const received = submitted + HOUR;
    const appointment = computeAppointment(
      new Date(received),
      processingDays > 0 ? { kind: 'working_days', days: processingDays } : { kind: 'same_day' },
      CALENDAR,
    )!.getTime();
    step(received, 'receive', 'submitted', 'received');
    snapshot.receivedAt = vnIso(received);
    snapshot.appointmentAt = vnIso(appointment);
    snapshot.legalMaxWorkingDays = Math.max(1, processingDays);
    snapshot.timeliness = 'in_progress_on_time';
    if (outcome.status === 'received') return this.#envelope(snapshot, history);
    if (outcome.status === 'withdrawn') {
      const at = received + DAY;
      step(at, 'withdraw', 'received', 'withdrawn', false);
      snapshot.endedAt = vnIso(at);
      return this.#envelope(snapshot, history);
    }
    const started = received + HOUR;
    step(started, 'start-processing', 'received', 'processing');
    snapshot.steps = [{ agencyCode, allottedWorkingDays: processingDays, startedAt: vnIso(started) }];
    if (outcome.status === 'supplement_requested' || outcome.supplemented) {
      const asked = started + 2 * HOUR;
      step(asked, 'request-supplement', 'processing', 'supplement_requested', true);
      snapshot.supplements = [{ requestedAt: vnIso(asked), requestedBy: official, reason: 'Thiếu giấy tờ' }];
      snapshot.timeliness = 'paused_on_time';
      if (outcome.status === 'supplement_requested') return this.#envelope(snapshot, history);
      const completed = asked + DAY;
      step(completed, 'supplement', 'supplement_requested', 'processing', false);
      snapshot.supplements[0]!.completedAt = vnIso(completed);
      snapshot.previousAppointments = [vnIso(appointment)];
      snapshot.appointmentAt = vnIso(
        extendForPause(new Date(appointment), new Date(asked), new Date(completed), CALENDAR).getTime(),
      );
      snapshot.timeliness = 'in_progress_on_time';
    }
    if (outcome.status === 'processing') return this.#envelope(snapshot, history);
    if (outcome.status === 'stopped') {
      const at = started + DAY;
      step(at, 'stop', 'processing', 'stopped');
      snapshot.endedAt = vnIso(at);
      return this.#envelope(snapshot, history);
    }
    const due = Date.parse(snapshot.appointmentAt);
    const ended =
      outcome.timeliness === 'early'
        ? Math.max(started + HOUR, due - Math.max(1, Math.floor(processingDays / 2)) * DAY)
        : outcome.timeliness === 'on_time'
          ? due
          : afterWorkingDays(due, 1 + (i % 3));
    step(ended, 'resolve', 'processing', 'resolved');
    snapshot.endedAt = vnIso(ended);
    snapshot.timeliness = outcome.timeliness ?? 'on_time';
    snapshot.result = {
      number: `${sequence}/KQ`,
      signer: 'Lãnh đạo',
      issuedBy: agencyCode,
      signedAt: vnIso(ended),
      electronic: snapshot.resultType === 'electronic',
    };
    if (outcome.status === 'resolved') return this.#envelope(snapshot, history);
    const returned = ended + 4 * HOUR;
    step(returned, 'return-result', 'resolved', 'returned');
    snapshot.returnedAt = vnIso(returned);
    if (outcome.feedback) {
      const at = returned + HOUR;
      step(at, 'feedback', 'returned', 'returned', false);
      snapshot.feedback = { rating: spread(i, 6) < 85 ? 'satisfied' : 'neutral', at: vnIso(at) };
    }
    return this.#envelope(snapshot, history);
  }

  #envelope(snapshot: DossierSnapshot, history: HistoryEntry[]): EventEnvelope<DossierEventData, DossierEventType> {
    snapshot.version = history.length;
    const entry = history.at(-1)!;
    const type: DossierEventType = entry.action === 'feedback' ? 'dossier.feedback_given' : EVENT_OF[snapshot.status];
    return {
      id: randomUUID(),
      type,
      version: 1,
      source: 'dossiers',
      subject: snapshot.code,
      sequence: snapshot.version,
      occurredAt: new Date(Date.parse(entry.at)).toISOString(),
      data: { dossier: snapshot, entry },
    };
  }
}

function sqsRecord(event: EventEnvelope, queueArn: string): SQSRecord {
  const now = String(Date.now());
  return {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body: JSON.stringify(event),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: now,
      SenderId: 'bench',
      ApproximateFirstReceiveTimestamp: now,
    },
    messageAttributes: { type: { stringValue: event.type, dataType: 'String' } },
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'ap-southeast-1',
  };
}

interface LoadOutcome {
  loaded: number;
  redeliveries: number;
  seconds: number;
}

/**
 * Feeds events [from, to) to the reporting projection, `inFlight` batches of 10 at a time, redelivering failed
 * records (up to 10 times each) as SQS would; stops early at the deadline.
 */
async function feed(
  month: MonthOfDossiers,
  from: number,
  to: number,
  deadline: number,
  inFlight = 8,
): Promise<LoadOutcome> {
  const lambdas = new LocalLambdas(REPO_ROOT);
  const consumer = functionNamed('reporting-on-dossier-event');
  const started = performance.now();
  let next = from;
  let loaded = 0;
  let redeliveries = 0;
  const worker = async () => {
    while (next < to && performance.now() < deadline) {
      const first = next;
      next = Math.min(to, next + 10);
      let records = Array.from({ length: next - first }, (_, k) => sqsRecord(month.event(first + k), 'bench'));
      for (let attempt = 1; records.length > 0; attempt++) {
        const event: SQSEvent = { Records: records };
        const answer = (await lambdas.invoke(consumer, event)) as SQSBatchResponse | undefined;
        const failed = new Set((answer?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        loaded += records.length - failed.size;
        records = records.filter((r) => failed.has(r.messageId));
        if (records.length === 0) break;
        if (attempt >= 10) throw new Error(`${records.length} dossier event(s) kept failing in the projection`);
        redeliveries += records.length;
        await new Promise((r) => setTimeout(r, 20 * attempt));
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { loaded, redeliveries, seconds: (performance.now() - started) / 1000 };
}

interface Measured {
  headerUnits: number;
  meteredUnits: number;
  reads: { request: string; units: number }[];
  received: number | null;
}

async function measure(bench: BenchCloud, meter: ReadMeter, path: string, token: string): Promise<Measured> {
  meter.units = 0;
  meter.reads = [];
  meter.on = true;
  const res = await bench.fetch(path, { token });
  meter.on = false;
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text.slice(0, 300)}`);
  const header = res.headers.get('x-read-units');
  return {
    headerUnits: header === null ? Number.NaN : Number(header),
    meteredUnits: meter.units,
    reads: meter.reads,
    received: typeof res.json?.total?.received === 'number' ? res.json.total.received : null,
  };
}

/** The dossier counts at which the reports are read: 1,000, 10,000 and the full load, as far as time allows. */
function checkpoints(small: number, large: number): number[] {
  return [...new Set([small, 10_000, large])].filter((n) => n >= small && n <= large).sort((a, b) => a - b);
}

/** Rows per report: its read units at each dossier count reached; prints the load and where the units go. */
export async function reportCostBenchmark(options: { small?: number; large?: number; maxLoadMs?: number } = {}) {
  const small = options.small ?? 1_000;
  const large = options.large ?? Number(process.env.BENCH_REPORT_DOSSIERS ?? 100_000);
  const maxLoadMs = options.maxLoadMs ?? Number(process.env.BENCH_REPORT_MAX_MINUTES ?? 6) * 60_000;
  const bench = await startBenchCloud();
  const meter = meterSharedReads();
  try {
    const month = new MonthOfDossiers(previousMonth(Date.now()), seedProcedures(bench.cloud));
    const admin = await bench.token({ sub: 'admin-bench', roles: ['admin'] });
    const officer = await bench.token({ sub: 'officer-bench', roles: ['officer'], agencyCode: '000.01.21.H19' });
    const m = month.month;
    const reports: [string, string, string][] = [
      ['/reports/dossiers, province, by agency', `/reports/dossiers?from=${m}&to=${m}`, admin],
      ['/reports/dossiers, province, by procedure', `/reports/dossiers?from=${m}&to=${m}&groupBy=procedure`, admin],
      ['/reports/index, province', `/reports/index?from=${m}&to=${m}`, admin],
      ['/reports/dossiers, one commune (officer)', `/reports/dossiers?from=${m}&to=${m}`, officer],
      ['/reports/index, one commune (officer)', `/reports/index?from=${m}&to=${m}`, officer],
    ];

    const deadline = performance.now() + maxLoadMs;
    const loads: (LoadOutcome & { upTo: number })[] = [];
    const measured: { dossiers: number; results: Measured[] }[] = [];
    let loaded = 0;
    for (const target of checkpoints(small, large)) {
      const outcome = await feed(month, loaded, target, deadline);
      loaded += outcome.loaded;
      loads.push({ ...outcome, upTo: loaded });
      if (outcome.loaded === 0 && measured.length > 0) break;
      await bench.cloud.settle(60_000);
      const results: Measured[] = [];
      for (const [, path, token] of reports) results.push(await measure(bench, meter, path, token));
      measured.push({ dossiers: loaded, results });
      if (loaded < target) break; // the time limit
    }

    const first = measured[0]!;
    const last = measured.at(-1)!;
    const rows = reports.map(([report], k) => {
      const row: Record<string, unknown> = { report };
      for (const point of measured) row[`readUnits@${point.dossiers}`] = point.results[k]!.headerUnits;
      const a = first.results[k]!;
      const b = last.results[k]!;
      return {
        ...row,
        equal: a.headerUnits === b.headerUnits,
        [`metered@${last.dossiers}`]: round(b.meteredUnits, 1),
        readRequests: `${a.reads.length} / ${b.reads.length}`,
        totalReceived: a.received === null ? '—' : `${a.received} / ${b.received}`,
      };
    });
    const loadRows = loads.map((l) => ({
      upTo: l.upTo,
      loaded: l.loaded,
      redeliveries: l.redeliveries,
      seconds: round(l.seconds, 1),
      perSecond: round(l.loaded / Math.max(l.seconds, 0.001), 0),
    }));
    console.log(`\nMonth ${m}: ${month.bucketCount} (agency, procedure) buckets; events fed to the projection:`);
    console.table(loadRows);
    if (loaded < large) {
      console.log(
        `(the load stopped at the time limit: ${loaded} of ${large} dossiers; BENCH_REPORT_MAX_MINUTES raises it)`,
      );
    }
    const breakdown = measured.map((point) => ({
      dossiers: point.dossiers,
      ...Object.fromEntries(
        [...groupUnits(point.results[0]!.reads)].map(([request, units]) => [request, round(units, 1)]),
      ),
    }));
    console.log(`Where the read units of "${reports[0]![0]}" go, by request:`);
    console.table(breakdown);
    writeDetail('report-cost', {
      month: m,
      buckets: month.bucketCount,
      loads: loadRows,
      rows,
      reads: measured.map((point) => ({
        dossiers: point.dossiers,
        reports: point.results.map((r, k) => ({ report: reports[k]![0], ...r })),
      })),
      runtimeLog: bench.logLines.slice(0, 50),
    });
    return rows;
  } finally {
    meter.stop();
    await bench.stop();
  }
}

/** Units per kind of request (same request text summed). */
function groupUnits(reads: readonly { request: string; units: number }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const read of reads) out.set(read.request, (out.get(read.request) ?? 0) + read.units);
  return out;
}
