/**
 * The timeliness contract (issue #11): real dossiers walked through HTTP on the local cloud, on a moved clock,
 * to every end state; for each one, `GET /dossiers/{code}` and the report (`/reports/dossiers`, one row per
 * procedure, so one row per dossier here; and the monthly counters) must give the same classification, and
 * both must equal the case worked out by hand (docs/timeliness.md, rule numbers in brackets).
 *
 * Each case has a procedure of its own (published by this file), so its report row holds exactly that dossier.
 * March 2026 has no public holiday; default office hours 07:30–11:30, 13:00–17:00; 3 working days unless said.
 *
 *   C01 received Tue 3 10:00 (appt Fri 6 10:00), resolved Thu 5 16:59, returned Fri 09:00  → early [8]
 *   C02 received Tue 3 10:00, resolved Fri 6 10:00:20 (seconds never decide)               → on_time [1, 8]
 *   C03 received Tue 3 10:00, resolved Fri 6 10:01                                          → late [8]
 *   C04 rejected at reception Mon 2 10:00                                                   → null, not received [10]
 *   C05 withdrawn before reception Mon 2 11:00                                              → null, not received [10]
 *   C06 received Tue 3 10:00, withdrawn Thu 5 09:00                                         → early [7]
 *   C07 received Mon 2 10:00 (appt Thu 5 10:00), processing, still open on 31 Mar          → in_progress_overdue [11]
 *   C08 received Mon 30 09:00 (appt Thu 2 Apr 09:00), supplementation asked Tue 31 09:00   → paused_on_time [11]
 *   C09 received Mon 2 10:00 (appt Thu 5 10:00), supplementation asked Fri 6 10:30         → paused_overdue [7, 11]
 *   C10 received Tue 3 10:00 (appt Fri 6 10:00), apology Thu 5 10:00 with a new date Tue 10,
 *       resolved Mon 9 09:00, before the new date                                           → late [8]
 *   C11 received Thu 5 10:00 (appt Tue 10 10:00), paused Fri 6 16:00 → Mon 9 08:00 (60 + 30 office min):
 *       appt Tue 10 11:30 (not 02:00); resolved Tue 10 11:30                                → on_time [6]
 *   C12 received Mon 2 18:05, after closing: counts from Tue 07:30 → appt Thu 5 17:00; resolved then → on_time [3]
 *   C13 same-day procedure received Wed 4 15:00:00 (not "after 15:00") → appt Wed 4 17:00; resolved 16:30
 *                                                                                           → on_time [5]
 *   C14 same-day procedure received Wed 4 15:01 → appt Thu 5 17:00; resolved Wed 16:30     → early [5]
 *   C15 inter-agency 1.5 + 1.5 of 3 days, received Mon 2 07:30 → appt Wed 4 17:00; step 1 due Tue 11:30;
 *       transferred then, step 2 due Wed 17:00; resolved Wed 16:00                          → on_time [2]
 *   C16 received Mon 2 10:00, two supplementation requests (each met), resolved Wed 4 16:00 → late [8]
 *   C17 received Mon 2 10:00 (appt Thu 5 10:00), stopped by a leader Mon 9 09:00           → late [7, 8]
 *   C18 received Mon 30 09:00 (appt Thu 2 Apr 09:00), open                                  → in_progress_on_time on
 *       31 Mar; on 3 Apr the view says overdue while the March report still classifies it at 31 Mar [11]
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedLocalProvince } from '../../packages/local-cloud/src/seed.ts';
import { startTestCloud, type TestCloud } from '../support/cloud.ts';

const DESK = '000.00.15.H19'; // Sở Tư pháp
const OTHER = '000.00.11.H19'; // Công an tỉnh
const OWNER = '001099012345';

type Final = 'early' | 'on_time' | 'late';
type Open = 'in_progress_on_time' | 'in_progress_overdue' | 'paused_on_time' | 'paused_overdue';
type State = Final | Open | null;

/** The report's column for each state of the view. */
const COLUMN: Record<Final | Open, string> = {
  early: 'early',
  on_time: 'onTime',
  late: 'late',
  in_progress_on_time: 'inProgressOnTime',
  in_progress_overdue: 'inProgressOverdue',
  paused_on_time: 'pausedOnTime',
  paused_overdue: 'pausedOverdue',
};
const COLUMNS = Object.values(COLUMN);

type ProcessingTime = { kind: 'working_days'; days: number } | { kind: 'same_day' };

function procedure(time: ProcessingTime, steps?: { agencyCode: string; allottedWorkingDays: number }[]) {
  return {
    status: 'published',
    validFrom: '2025-07-01',
    name: { vi: 'Thủ tục thử nghiệm thời hạn', en: 'Timeliness test procedure' },
    field: 'Thử nghiệm',
    levels: ['province'],
    agencyCodes: [DESK, OTHER],
    mode: 'full',
    processingTime: time,
    payBeforeReception: false,
    fees: [],
    requirements: [
      {
        code: 'TO_KHAI',
        name: { vi: 'Tờ khai', en: 'Application form' },
        required: false,
        contentTypes: ['application/pdf'],
        maxBytes: 5_000_000,
      },
    ],
    formSchema: { type: 'object', properties: {}, additionalProperties: false },
    ...(steps ? { steps } : {}),
    resultType: 'electronic',
  };
}

const THREE_DAYS: ProcessingTime = { kind: 'working_days', days: 3 };
const SAME_DAY: ProcessingTime = { kind: 'same_day' };

let cloud: TestCloud;
let admin: string;
let owner: string;
let officer: string;
let otherOfficer: string;
let leader: string;

/** What a case is, and the state worked out by hand (at the end of March). */
interface Case {
  id: string;
  procedureCode: string;
  time: ProcessingTime;
  steps?: { agencyCode: string; allottedWorkingDays: number }[];
  expected: State;
  /** Counted in `received` (rule 10). */
  received: boolean;
}

const cases: Case[] = [
  ['C01', 'early'],
  ['C02', 'on_time'],
  ['C03', 'late'],
  ['C04', null],
  ['C05', null],
  ['C06', 'early'],
  ['C07', 'in_progress_overdue'],
  ['C08', 'paused_on_time'],
  ['C09', 'paused_overdue'],
  ['C10', 'late'],
  ['C11', 'on_time'],
  ['C12', 'on_time'],
  ['C13', 'on_time'],
  ['C14', 'early'],
  ['C15', 'on_time'],
  ['C16', 'late'],
  ['C17', 'late'],
  ['C18', 'in_progress_on_time'],
].map(([id, expected], index) => ({
  id: id as string,
  procedureCode: `1.9993${String(index + 1).padStart(2, '0')}`,
  time: id === 'C13' || id === 'C14' ? SAME_DAY : THREE_DAYS,
  ...(id === 'C15'
    ? {
        steps: [
          { agencyCode: DESK, allottedWorkingDays: 1.5 },
          { agencyCode: OTHER, allottedWorkingDays: 1.5 },
        ],
      }
    : {}),
  expected: expected as State,
  received: id !== 'C04' && id !== 'C05',
}));
const byId = new Map(cases.map((c) => [c.id, c]));

const codes = new Map<string, string>();
const versions = new Map<string, number>();
// biome-ignore lint/suspicious/noExplicitAny: the dossier view as JSON
const lastView = new Map<string, any>();

async function setClock(localIso: string): Promise<void> {
  const res = await cloud.fetch('/dev/clock', { method: 'POST', body: { now: localIso } });
  expect(res.status, res.text).toBe(200);
}

// biome-ignore lint/suspicious/noExplicitAny: the dossier view as JSON
function remember(id: string, res: { status: number; text: string; json: any }) {
  expect(res.status, `${id}: ${res.text}`).toBeLessThan(300);
  versions.set(id, res.json.version);
  lastView.set(id, res.json);
  return res.json;
}

async function submit(id: string) {
  const res = await cloud.fetch('/dossiers', {
    method: 'POST',
    token: owner,
    headers: { 'idempotency-key': `contract-${randomUUID()}` },
    body: {
      procedureCode: byId.get(id)!.procedureCode,
      agencyCode: DESK,
      applicant: { idNumber: OWNER, fullName: 'Phạm Thị Dung', phone: '0912345678' },
      formData: {},
      documents: [],
      resultDelivery: 'online',
    },
  });
  expect(res.status, `${id}: ${res.text}`).toBe(201);
  codes.set(id, res.json.code);
  return remember(id, res);
}

async function act(id: string, action: Record<string, unknown>, token = officer) {
  const res = await cloud.fetch(`/dossiers/${codes.get(id)}/actions`, {
    method: 'POST',
    token,
    body: action,
    headers: { 'if-match': `"${versions.get(id)}"` },
  });
  return remember(id, res);
}

const result = (signedAt: string, issuedBy = DESK) => ({
  type: 'resolve',
  result: { number: '1/KQ', signer: 'Trần Văn Cường', issuedBy, signedAt, electronic: true },
});

async function owners(id: string, path: 'withdraw' | 'supplement', body: Record<string, unknown> = {}) {
  const res = await cloud.fetch(`/dossiers/${codes.get(id)}/${path}`, { method: 'POST', token: owner, body });
  return remember(id, res);
}

/** One step of the walk: the local time it happens at and what happens. */
type Step = [at: string, run: () => Promise<unknown>];

const t = (local: string) => `2026-${local}+07:00`;
const minute = (iso: string | undefined) => iso?.slice(0, 16);

/** Submitted and received at `at` (the desk receives at once). */
const intake = (id: string, at: string): Step => [
  at,
  async () => {
    await submit(id);
    await act(id, { type: 'receive' });
  },
];

/** Every case's walk, in one timeline (the clock only moves forward). */
const walk: Step[] = [
  intake('C01', '03-03T10:00:00'),
  [
    '03-05T16:59:00',
    async () => {
      await act('C01', { type: 'start-processing' });
      await act('C01', result(t('03-05T16:59:00')));
    },
  ],
  ['03-06T09:00:00', () => act('C01', { type: 'return-result' })],

  intake('C02', '03-03T10:00:00'),
  [
    '03-06T10:00:20',
    async () => {
      await act('C02', { type: 'start-processing' });
      await act('C02', result(t('03-06T10:00:20')));
    },
  ],

  intake('C03', '03-03T10:00:00'),
  ['03-06T10:01:00', () => act('C03', result(t('03-06T10:01:00')))],

  [
    '03-02T10:00:00',
    async () => {
      await submit('C04');
      await act('C04', { type: 'reject', reason: 'Không thuộc thẩm quyền' });
    },
  ],
  ['03-02T10:30:00', () => submit('C05')],
  ['03-02T11:00:00', () => owners('C05', 'withdraw', { reason: 'Không cần nữa' })],

  intake('C06', '03-03T10:00:00'),
  ['03-05T09:00:00', () => owners('C06', 'withdraw', { reason: 'Không cần nữa' })],

  intake('C07', '03-02T10:00:00'),
  ['03-02T10:05:00', () => act('C07', { type: 'start-processing' })],

  intake('C08', '03-30T09:00:00'),
  ['03-31T09:00:00', () => act('C08', { type: 'request-supplement', reason: 'Thiếu tờ khai' })],

  intake('C09', '03-02T10:00:00'),
  ['03-06T10:30:00', () => act('C09', { type: 'request-supplement', reason: 'Thiếu tờ khai' })],

  intake('C10', '03-03T10:00:00'),
  [
    '03-05T10:00:00',
    () => act('C10', { type: 'apologize', reason: 'Cần xác minh thêm', newAppointmentDate: '2026-03-10' }, leader),
  ],
  ['03-09T09:00:00', () => act('C10', result(t('03-09T09:00:00')))],

  intake('C11', '03-05T10:00:00'),
  ['03-06T16:00:00', () => act('C11', { type: 'request-supplement', reason: 'Thiếu tờ khai' })],
  ['03-09T08:00:00', () => owners('C11', 'supplement', { note: 'Đã bổ sung' })],
  ['03-10T11:30:00', () => act('C11', result(t('03-10T11:30:00')))],

  intake('C12', '03-02T18:05:00'),
  ['03-05T17:00:00', () => act('C12', result(t('03-05T17:00:00')))],

  intake('C13', '03-04T15:00:00'),
  ['03-04T16:30:00', () => act('C13', result(t('03-04T16:30:00')))],
  intake('C14', '03-04T15:01:00'),
  ['03-04T16:30:00', () => act('C14', result(t('03-04T16:30:00')))],

  intake('C15', '03-02T07:30:00'),
  ['03-02T07:30:30', () => act('C15', { type: 'start-processing' })],
  ['03-03T11:30:00', () => act('C15', { type: 'transfer', toAgencyCode: OTHER })],
  ['03-04T16:00:00', () => act('C15', result(t('03-04T16:00:00'), OTHER), otherOfficer)],

  intake('C16', '03-02T10:00:00'),
  ['03-02T11:00:00', () => act('C16', { type: 'request-supplement', reason: 'Thiếu tờ khai' })],
  ['03-02T13:00:00', () => owners('C16', 'supplement', { note: 'Đã bổ sung' })],
  ['03-03T10:00:00', () => act('C16', { type: 'request-supplement', reason: 'Tờ khai chưa ký' })],
  ['03-03T11:00:00', () => owners('C16', 'supplement', { note: 'Đã ký' })],
  ['03-04T16:00:00', () => act('C16', result(t('03-04T16:00:00')))],

  intake('C17', '03-02T10:00:00'),
  ['03-02T10:10:00', () => act('C17', { type: 'start-processing' })],
  ['03-09T09:00:00', () => act('C17', { type: 'stop', reason: 'Hồ sơ không đủ điều kiện' }, leader)],

  intake('C18', '03-30T09:00:00'),
];

// biome-ignore lint/suspicious/noExplicitAny: report rows as JSON
type Row = Record<string, any>;

/** The one state a report row (holding one dossier) classifies its dossier in; fails if it counts it twice. */
function stateOfRow(row: Row | undefined): State {
  if (row === undefined) return null;
  const states = (Object.keys(COLUMN) as (Final | Open)[]).flatMap((state) =>
    Array.from({ length: row[COLUMN[state]] }, () => state),
  );
  expect(states.length, `row ${row.key}: ${JSON.stringify(row)}`).toBeLessThanOrEqual(1);
  return states[0] ?? null;
}

async function report(query: string): Promise<{ rows: Row[]; total: Row }> {
  const res = await cloud.fetch(`/reports/dossiers?${query}`, { token: admin });
  expect(res.status, res.text).toBe(200);
  return res.json;
}

async function views(): Promise<Map<string, State>> {
  const states = new Map<string, State>();
  for (const c of cases) {
    const res = await cloud.fetch(`/dossiers/${codes.get(c.id)}`, { token: owner });
    expect(res.status, res.text).toBe(200);
    states.set(c.id, res.json.timeliness);
  }
  return states;
}

beforeAll(async () => {
  cloud = await startTestCloud();
  await seedLocalProvince(cloud);
  admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  owner = await cloud.token({ sub: OWNER, roles: ['citizen'], name: 'Phạm Thị Dung' });
  officer = await cloud.token({ sub: 'officer-1', roles: ['officer'], agencyCode: DESK, name: 'Nguyễn Văn An' });
  otherOfficer = await cloud.token({ sub: 'officer-9', roles: ['officer'], agencyCode: OTHER, name: 'Lê Văn Chín' });
  leader = await cloud.token({ sub: 'leader-1', roles: ['leader'], agencyCode: DESK, name: 'Trần Văn Cường' });
  for (const c of cases) {
    const res = await cloud.fetch(`/procedures/${c.procedureCode}`, {
      method: 'PUT',
      token: admin,
      body: procedure(c.time, c.steps),
    });
    if (res.status >= 300) throw new Error(`could not publish ${c.procedureCode}: ${res.text}`);
  }
  await cloud.settle();
  const ordered = [...walk].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [at, run] of ordered) {
    await setClock(t(at));
    await run();
  }
  await setClock(t('03-31T23:59:00'));
  await cloud.settle();
}, 600_000);

afterAll(async () => {
  if (cloud) {
    await cloud.fetch('/dev/clock', { method: 'DELETE' });
    await cloud.stop();
  }
});

describe('the walk itself gives the hand-worked dates', () => {
  test('appointments and step dues (office time, after-hours reception, the 15:00 edge, half-day steps)', () => {
    expect(minute(lastView.get('C01').appointmentAt)).toBe('2026-03-06T10:00');
    // The pause consumed 60 + 30 office minutes: Tue 10 Mar 10:00 → 11:30, never 02:00 on a Tuesday.
    expect(minute(lastView.get('C11').appointmentAt)).toBe('2026-03-10T11:30');
    expect(lastView.get('C11').previousAppointments.map(minute)).toEqual(['2026-03-10T10:00']);
    expect(minute(lastView.get('C12').appointmentAt)).toBe('2026-03-05T17:00');
    expect(minute(lastView.get('C13').appointmentAt)).toBe('2026-03-04T17:00');
    expect(minute(lastView.get('C14').appointmentAt)).toBe('2026-03-05T17:00');
    const c15 = lastView.get('C15');
    expect(minute(c15.appointmentAt)).toBe('2026-03-04T17:00');
    expect(c15.steps.map((s: { agencyCode: string; dueAt: string }) => [s.agencyCode, minute(s.dueAt)])).toEqual([
      [DESK, '2026-03-03T11:30'],
      [OTHER, '2026-03-04T17:00'],
    ]);
    // The apology's date is the promise to the citizen; the dossier was late all the same.
    expect(minute(lastView.get('C10').appointmentAt)).toBe('2026-03-10T10:00');
  });
});

describe('the view and the report agree, dossier by dossier, at the end of March', () => {
  test('each dossier: GET /dossiers/{code} = its report row = the case worked by hand', async () => {
    const view = await views();
    const { rows } = await report('from=2026-03&to=2026-03&groupBy=procedure');
    const rowOf = new Map(rows.map((row) => [row.key, row]));
    const seen = cases.map((c) => ({
      id: c.id,
      view: view.get(c.id),
      report: stateOfRow(rowOf.get(c.procedureCode)),
      received: rowOf.get(c.procedureCode)?.received ?? 0,
    }));
    expect(seen).toEqual(
      cases.map((c) => ({ id: c.id, view: c.expected, report: c.expected, received: c.received ? 1 : 0 })),
    );
    expect(rowOf.get(byId.get('C04')!.procedureCode)).toMatchObject({ rejected: 1, received: 0, ended: 0 });
    expect(rowOf.get(byId.get('C05')!.procedureCode)).toMatchObject({ withdrawn: 1, received: 0, ended: 0 });
  });

  test('the monthly counters are the sums of the views', async () => {
    const view = await views();
    const { rows } = await report('from=2026-03&to=2026-03&groupBy=month');
    const march = rows.find((row) => row.key === '2026-03');
    const expected: Record<string, number> = Object.fromEntries(COLUMNS.map((column) => [column, 0]));
    for (const state of view.values()) if (state !== null) expected[COLUMN[state]]! += 1;
    // Hand-worked: early C01 C06 C14; on time C02 C11 C12 C13 C15; late C03 C10 C16 C17; open C07 C08 C09 C18.
    expect(expected).toEqual({
      early: 3,
      onTime: 5,
      late: 4,
      inProgressOnTime: 1,
      inProgressOverdue: 1,
      pausedOnTime: 1,
      pausedOverdue: 1,
    });
    expect(march).toMatchObject({ ...expected, received: 16, rejected: 1, withdrawn: 2 });
  });
});

describe('period-end classification', () => {
  test('in April the view moves on; the March report still classifies open dossiers at 31 March', async () => {
    await setClock(t('04-03T09:00:00'));
    const view = await views();
    // C18's appointment (Thu 2 Apr 09:00) has passed; the paused ones stay as they were when paused.
    expect(view.get('C18')).toBe('in_progress_overdue');
    expect(view.get('C08')).toBe('paused_on_time');
    const { rows } = await report('from=2026-03&to=2026-03&groupBy=procedure');
    const c18 = rows.find((row) => row.key === byId.get('C18')!.procedureCode);
    expect(stateOfRow(c18)).toBe('in_progress_on_time');
    // The month rows: March at its end, April at today's, as the views say now.
    const months = await report('from=2026-03&to=2026-04&groupBy=month');
    const april = months.rows.find((row) => row.key === '2026-04');
    const open: Record<string, number> = {
      inProgressOnTime: 0,
      inProgressOverdue: 0,
      pausedOnTime: 0,
      pausedOverdue: 0,
    };
    for (const state of view.values()) if (state !== null && COLUMN[state] in open) open[COLUMN[state]]! += 1;
    expect(open).toEqual({ inProgressOnTime: 0, inProgressOverdue: 2, pausedOnTime: 1, pausedOverdue: 1 });
    expect(april).toMatchObject(open);
  });
});

describe('a calendar year without data (rule: never a silent Monday–Friday)', () => {
  test('/health warns about this year and the next; a deadline in a missing year is a 409; loading it fixes both', async () => {
    await setClock('2027-06-01T09:00:00+07:00');
    const in2027 = await cloud.fetch('/health');
    expect(in2027.status).toBe(200);
    expect(in2027.json.status).toBe('ok');
    expect(in2027.json.details.calendar).toMatchObject({
      status: 'warning',
      checked: [2027, 2028],
      missing: [2028],
      provisional: [2027],
    });
    expect(in2027.json.details.calendar.warnings).toHaveLength(2);

    await setClock('2028-03-01T09:00:00+07:00');
    await submit('C01');
    const refused = await cloud.fetch(`/dossiers/${codes.get('C01')}/actions`, {
      method: 'POST',
      token: officer,
      body: { type: 'receive' },
      headers: { 'if-match': `"${versions.get('C01')}"` },
    });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.json.type).toMatch(/calendar-year-missing$/);
    expect(refused.json.year).toBe(2028);

    const put = await cloud.fetch('/calendar/2028', {
      method: 'PUT',
      token: admin,
      body: {
        year: 2028,
        holidays: [{ date: '2028-01-01', name: 'Tết Dương lịch', nameEn: "New Year's Day" }],
        workingWeekendDays: [],
      },
    });
    expect(put.status, put.text).toBe(200);
    await cloud.settle();
    const in2028 = await cloud.fetch('/health');
    expect(in2028.json.details.calendar).toMatchObject({ checked: [2028, 2029], missing: [2029], provisional: [] });

    // Wed 1 Mar 2028 09:00 + 3 working days of office time → Mon 6 Mar 09:00 (Sat 4, Sun 5 off).
    const received = await act('C01', { type: 'receive' });
    expect(minute(received.appointmentAt)).toBe('2028-03-06T09:00');
  });
});
