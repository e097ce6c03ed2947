/**
 * Reporting through HTTP on the local cloud, with dossier events driven through the real bus: a month of dossiers
 * with known outcomes (built as the dossiers context would publish them, in every channel, which its HTTP API
 * cannot all produce) is published to SNS like the outbox publisher does, with duplicates and out-of-order
 * deliveries. Every count, open classification and index score below is worked out by hand.
 *
 * The month (March 2025, no public holiday; agencies A = phường Trấn Biên, B = phường Biên Hòa of the seed):
 *   E1  A certify   online     received Mon 03-03 09:00, appt 03-06 17:00, resolved 03-05 10:00 → early; paid
 *       online; 2 documents digitized (1 reused); electronic result; returned; satisfied
 *   E2  A certify   in person  received 03-04 09:00, appt 03-07 17:00, resolved 03-07 17:00 → on time; paid at the
 *       counter; 1 paper document; paper result; returned; neutral
 *   E3  A certify   online     received 03-05 09:00, appt 03-10 17:00, resolved 03-12 10:00 → late; paid online;
 *       digitized; electronic result; returned; dissatisfied
 *   E4  B allowance online     received 03-03 10:00, two supplementation rounds, resolved 03-11 10:00 → late (two
 *       rounds); fee-free; reused document; electronic result
 *   E5  B allowance online     received 03-17 09:00, appt 03-31 17:00, supplementation asked 03-25 → paused
 *       within time at the end of March
 *   E6  A certify   post       received 03-18 09:00, appt 03-21 17:00, processing → in progress overdue
 *   E7  A certify   in person  received 03-28 09:00, appt 04-02 17:00, paid online → in progress within time
 *   E8  A certify   online     rejected at reception 03-12 10:00 → not received (docs/timeliness.md rule 10): not
 *       in received, online, fees, documents, digitized, synced; no timeliness, not ended; counted in `rejected`
 *   E9  B allowance online     withdrawn before reception → not received either; withdrawn, not ended
 *   E10 B allowance in person  received 03-06 09:00, appt 03-20 17:00, stopped 03-24 10:00 → ended, late
 *
 * So March received 8 dossiers (E1–E7, E10); E8 and E9 count only as rejected / withdrawn.
 *
 * Handling times in OFFICE minutes (07:30–11:30 and 13:00–17:00 on working days, 480 min a day; rule 2), from
 * reception to the end of processing (the first of resolved / returned), less supplementation pauses:
 *   E1 Mon 03-03 09:00 → Wed 03-05 10:00 = Mon (150 + 240) + Tue 480 + Wed 150 = 1,020 min
 *   E2 Tue 03-04 09:00 → Fri 03-07 17:00 = Tue 390 + Wed 480 + Thu 480 + Fri 480 = 1,830 min
 *   E3 Wed 03-05 09:00 → Wed 03-12 10:00 = Wed 390 + 4 × 480 (Thu, Fri, Mon, Tue) + Wed 150 = 2,460 min
 *   E4 Mon 03-03 10:00 → Tue 03-11 10:00 = Mon 330 + 5 × 480 + Tue 150 = 2,880 min, less two pauses of
 *      Tue 10:00 → Wed 10:00 and Thu 10:00 → Fri 10:00 (330 + 150 = 480 office min each) = 1,920 min
 *   Total 1,020 + 1,830 + 2,460 + 1,920 = 7,230 min over 4 resolved = 1,807.5 min = 3.765… working days → 3.77
 *   Agency A (E1 E2 E3): 5,310 / 3 / 480 = 3.6875 → 3.69; agency B (E4): 1,920 / 480 = 4
 *
 * Timeliness (kernel, packages/calendar/src/timeliness.ts): E1 early (ended 03-05, appt 03-06); E2 on time
 * (ended at the appointment minute); E3 late (after 03-10 17:00); E4 late (two supplementation requests);
 * E10 late (stopped after 03-20 17:00). Open at the end of March: E5 paused on time (asked 03-25 09:00, before
 * 03-31 17:00), E6 in progress overdue (03-21 17:00 passed), E7 in progress on time (due 04-02 17:00).
 */
import { randomUUID } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { DossierSnapshot } from '#dossiers/events.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';
import { type DossierBuilder, dossier } from '#test/unit/reporting/fixtures.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../packages/local-cloud/src/emulators.ts';
import { seedLocalProvince } from '../../packages/local-cloud/src/seed.ts';

const A = '000.01.21.H19';
const B = '000.02.21.H19';
const PARENT = '000.00.00.H19';
const CERTIFY = '2.000815';
const ALLOWANCE = '1.001776';

const EVENT_OF_ACTION: Record<string, string> = {
  submit: 'dossier.submitted',
  receive: 'dossier.received',
  reject: 'dossier.rejected',
  'start-processing': 'dossier.processing_started',
  'request-supplement': 'dossier.supplement_requested',
  supplement: 'dossier.supplemented',
  pay: 'dossier.paid',
  resolve: 'dossier.resolved',
  'return-result': 'dossier.returned',
  withdraw: 'dossier.withdrawn',
  stop: 'dossier.stopped',
  feedback: 'dossier.feedback_given',
};

function month() {
  return {
    E1: dossier({
      code: 'E1',
      agencyCode: A,
      procedureCode: CERTIFY,
      channel: 'online',
      submittedAt: '2025-03-03T08:00',
      documents: [{ digitized: true, reused: true }, { digitized: true }],
      fee: 4000,
    })
      .receive('2025-03-03T09:00', '2025-03-06T17:00')
      .process('2025-03-03T10:00')
      .pay('2025-03-04T09:00', true)
      .resolve('2025-03-05T10:00', { electronic: true, documentId: 'R-E1' })
      .returnResult('2025-03-05T15:00')
      .feedback('2025-03-06T09:00', 'satisfied'),
    E2: dossier({
      code: 'E2',
      agencyCode: A,
      procedureCode: CERTIFY,
      channel: 'in_person',
      submittedAt: '2025-03-04T09:00',
      documents: [{ digitized: false }],
      fee: 2000,
    })
      .receive('2025-03-04T09:00', '2025-03-07T17:00')
      .process('2025-03-04T10:00')
      .pay('2025-03-05T09:00', false)
      .resolve('2025-03-07T17:00', { electronic: false })
      .returnResult('2025-03-10T09:00')
      .feedback('2025-03-10T10:00', 'neutral'),
    E3: dossier({
      code: 'E3',
      agencyCode: A,
      procedureCode: CERTIFY,
      channel: 'online',
      submittedAt: '2025-03-05T08:00',
      documents: [{ digitized: true }, { digitized: true }],
      fee: 6000,
    })
      .receive('2025-03-05T09:00', '2025-03-10T17:00')
      .process('2025-03-05T10:00')
      .pay('2025-03-06T09:00', true)
      .resolve('2025-03-12T10:00', { electronic: true, documentId: 'R-E3' })
      .returnResult('2025-03-12T14:00')
      .feedback('2025-03-13T09:00', 'dissatisfied'),
    E4: dossier({
      code: 'E4',
      agencyCode: B,
      procedureCode: ALLOWANCE,
      channel: 'online',
      submittedAt: '2025-03-03T09:00',
      documents: [{ digitized: true, reused: true }],
      fee: 0,
    })
      .receive('2025-03-03T10:00', '2025-03-18T17:00')
      .process('2025-03-03T11:00')
      .requestSupplement('2025-03-04T10:00')
      .supplement('2025-03-05T10:00', '2025-03-19T17:00')
      .requestSupplement('2025-03-06T10:00')
      .supplement('2025-03-07T10:00', '2025-03-20T17:00')
      .resolve('2025-03-11T10:00', { electronic: true, documentId: 'R-E4' }),
    E5: dossier({
      code: 'E5',
      agencyCode: B,
      procedureCode: ALLOWANCE,
      channel: 'online',
      submittedAt: '2025-03-17T08:00',
      documents: [{ digitized: true }],
      fee: 0,
    })
      .receive('2025-03-17T09:00', '2025-03-31T17:00')
      .process('2025-03-17T10:00')
      .requestSupplement('2025-03-25T09:00'),
    E6: dossier({
      code: 'E6',
      agencyCode: A,
      procedureCode: CERTIFY,
      channel: 'post',
      submittedAt: '2025-03-17T14:00',
      documents: [{ digitized: false }],
      fee: 2000,
    })
      .receive('2025-03-18T09:00', '2025-03-21T17:00')
      .process('2025-03-18T10:00'),
    E7: dossier({
      code: 'E7',
      agencyCode: A,
      procedureCode: CERTIFY,
      channel: 'in_person',
      submittedAt: '2025-03-28T09:00',
      documents: [{ digitized: true }],
      fee: 2000,
    })
      .receive('2025-03-28T09:00', '2025-04-02T17:00')
      .pay('2025-03-28T09:30', true)
      .process('2025-03-28T10:00'),
    E8: dossier({
      code: 'E8',
      agencyCode: A,
      procedureCode: CERTIFY,
      channel: 'online',
      submittedAt: '2025-03-12T08:00',
      documents: [{ digitized: true }],
      fee: 2000,
    }).reject('2025-03-12T10:00'),
    E9: dossier({
      code: 'E9',
      agencyCode: B,
      procedureCode: ALLOWANCE,
      channel: 'online',
      submittedAt: '2025-03-14T08:00',
      documents: [{ digitized: false }],
      fee: 0,
    }).withdraw('2025-03-14T12:00'),
    E10: dossier({
      code: 'E10',
      agencyCode: B,
      procedureCode: ALLOWANCE,
      channel: 'in_person',
      submittedAt: '2025-03-06T09:00',
      documents: [{ digitized: true }, { digitized: true }],
      fee: 0,
    })
      .receive('2025-03-06T09:00', '2025-03-20T17:00')
      .process('2025-03-06T10:00')
      .stop('2025-03-24T10:00'),
  } satisfies Record<string, DossierBuilder>;
}

let cloud: TestCloud;
let sns: SNSClient;
let admin: string;
let leader: string;
let officerA: string;
let citizen: string;
const dossiers = month();
/** Every envelope published, by dossier and version, so that the very same events can be delivered again. */
const published = new Map<string, EventEnvelope>();

function envelopeOf(snapshot: DossierSnapshot): EventEnvelope {
  const entry = snapshot.history.at(-1)!;
  return {
    id: randomUUID(),
    type: EVENT_OF_ACTION[entry.action] ?? 'dossier.received',
    version: 1,
    source: 'dossiers',
    subject: snapshot.code,
    sequence: snapshot.version,
    occurredAt: entry.at,
    data: { dossier: snapshot, entry },
  };
}

/** Puts an event on the bus the way the outbox publisher does (the type attribute drives the subscriptions). */
async function publish(event: EventEnvelope): Promise<void> {
  await sns.send(
    new PublishCommand({
      TopicArn: cloud.resources.topicArn,
      Message: JSON.stringify(event),
      MessageAttributes: {
        type: { DataType: 'String', StringValue: event.type },
        source: { DataType: 'String', StringValue: event.source },
      },
    }),
  );
}

/** The event of version `version` of a dossier, created once and reused when delivered again. */
function eventOf(code: keyof typeof dossiers, version: number): EventEnvelope {
  const key = `${code}v${version}`;
  let event = published.get(key);
  if (!event) {
    event = envelopeOf(dossiers[code].versions[version - 1]!);
    published.set(key, event);
  }
  return event;
}

async function deliver(code: keyof typeof dossiers, version: number): Promise<void> {
  await publish(eventOf(code, version));
}

beforeAll(async () => {
  cloud = await startTestCloud();
  sns = new SNSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: inject('fauxqsEndpoint') });
  await seedLocalProvince(cloud);
  admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  leader = await cloud.token({ sub: 'leader-1', roles: ['leader'], agencyCode: PARENT });
  officerA = await cloud.token({ sub: 'officer-a', roles: ['officer'], agencyCode: A });
  citizen = await cloud.token({ sub: '001099012345', roles: ['citizen'] });
  await cloud.settle();

  // Payments report which platform took the money (the sync record's field); E1 paid via the national platform.
  // Delivered first, so that every push of E1 knows it.
  await publish({
    id: randomUUID(),
    type: 'payment.completed',
    version: 1,
    source: 'payments',
    subject: 'PAY-E1',
    sequence: 2,
    occurredAt: '2025-03-04T09:00:00+07:00',
    data: {
      paymentId: 'PAY-E1',
      dossierCode: 'E1',
      payerIdNumber: '001099012345',
      gateway: 'sandbox',
      txnRef: 'E1-1',
      amount: 4000,
      feeLines: [{ code: 'LE-PHI', name: 'Lệ phí', amount: 4000 }],
      status: 'paid',
      paidAt: '2025-03-04T09:00:00+07:00',
      channelCode: 1,
    },
  });
  await cloud.settle();

  // E1: a duplicate of v2, then v4 before v3. E3: the newest version first, every older one after it.
  for (const version of [1, 2, 2, 4, 3, 5, 6, 7]) await deliver('E1', version);
  const e3 = dossiers.E3.versions.length;
  for (const version of [e3, ...Array.from({ length: e3 - 1 }, (_, i) => i + 1)]) await deliver('E3', version);
  // The others in parallel: their events reach the consumers in no particular order.
  await Promise.all(
    (Object.keys(dossiers) as (keyof typeof dossiers)[])
      .filter((code) => code !== 'E1' && code !== 'E3')
      .flatMap((code) => dossiers[code].versions.map((snapshot) => deliver(code, snapshot.version))),
  );
  await cloud.settle(40_000);
}, 120_000);

afterAll(async () => {
  sns?.destroy();
  await cloud?.stop();
});

const MARCH = 'from=2025-03&to=2025-03';

/** The province's March, worked out by hand from the list above. */
const MARCH_TOTAL = {
  received: 8, // E1–E7, E10 (E8 rejected at reception and E9 withdrawn before reception were never received)
  receivedOnline: 4, // E1 E3 E4 E5
  receivedInPerson: 3, // E2 E7 E10
  receivedPost: 1, // E6
  onlineCounted: 4, // E1 E3 E4 (electronic results), E5 (open, electronic procedure)
  feeBearing: 5, // E1 E2 E3 E6 E7
  paidOnline: 3, // E1 E3 E7
  documents: 11, // E1 2, E2 1, E3 2, E4 1, E5 1, E6 1, E7 1, E10 2
  digitizedDocuments: 9, // E1 2, E3 2, E4 1, E5 1, E7 1, E10 2
  reusedDocuments: 2, // E1 E4
  digitized: 6, // E1 E3 E4 E5 E7 E10 (E2 E6 have paper documents)
  reusing: 2,
  synced: 8, // every received dossier
  ended: 5, // E1 E2 E3 E4 E10
  early: 1, // E1
  onTime: 1, // E2
  late: 3, // E3 E4 E10
  resolved: 4, // E1 E2 E3 E4
  returned: 3,
  rejected: 1,
  withdrawn: 1,
  stopped: 1,
  handled: 4,
  handlingMinutes: 1020 + 1830 + 2460 + 1920,
  results: 4,
  electronicResults: 3, // E1 E3 E4
  feedbackSatisfied: 1,
  feedbackNeutral: 1,
  feedbackDissatisfied: 1,
  complaints: 0,
  disliked: 1, // E3
  supplementRounds: 3, // E4 ×2, E5
  inProgressOnTime: 1, // E7
  inProgressOverdue: 1, // E6
  pausedOnTime: 1, // E5
  pausedOverdue: 0,
  averageHandlingDays: 3.77, // 7,230 office min / 4 / 480 = 3.765…
};

describe('the dossier report', () => {
  test('a month of dossiers gives every count worked out by hand, by agency and in total', async () => {
    const res = await cloud.fetch(`/reports/dossiers?${MARCH}&groupBy=agency`, { token: admin });
    expect(res.status, res.text).toBe(200);
    expect(res.json.periodEnd).toBe('2025-03-31');
    expect(res.json.scope).toEqual({ level: 'province' });
    expect(res.json.total).toMatchObject(MARCH_TOTAL);
    expect(res.json.rows.map((row: { key: string }) => row.key)).toEqual([A, B]);
    const [rowA, rowB] = res.json.rows;
    expect(rowA).toMatchObject({
      name: { vi: 'Ủy ban nhân dân phường Trấn Biên' },
      parentCode: PARENT,
      received: 5, // E1 E2 E3 E6 E7 (not E8)
      receivedOnline: 2, // E1 E3
      receivedInPerson: 2,
      receivedPost: 1,
      ended: 3, // E1 E2 E3
      early: 1,
      onTime: 1, // E2
      late: 1,
      inProgressOnTime: 1,
      inProgressOverdue: 1,
      pausedOnTime: 0,
      averageHandlingDays: 3.69, // (1,020 + 1,830 + 2,460) / 3 / 480 = 3.6875
    });
    expect(rowB).toMatchObject({
      received: 3, // E4 E5 E10 (not E9)
      ended: 2,
      late: 2,
      pausedOnTime: 1,
      withdrawn: 1,
      stopped: 1,
      supplementRounds: 3,
      averageHandlingDays: 4, // 1,920 / 1 / 480
    });
  });

  test('by month, open dossiers are classified at the end of each month', async () => {
    const res = await cloud.fetch('/reports/dossiers?from=2025-02&to=2025-04&groupBy=month', { token: admin });
    expect(res.status, res.text).toBe(200);
    expect(res.json.rows.map((row: { key: string }) => row.key)).toEqual(['2025-03', '2025-04']);
    const [march, april] = res.json.rows;
    expect(march).toMatchObject({ received: 8, inProgressOnTime: 1, inProgressOverdue: 1, pausedOnTime: 1 });
    // End of April: E7's appointment (04-02) has passed; E5 is still paused, asked within its time.
    expect(april).toMatchObject({ received: 0, ended: 0, inProgressOnTime: 0, inProgressOverdue: 2, pausedOnTime: 1 });
  });

  test('by procedure, with a procedure filter', async () => {
    const res = await cloud.fetch(`/reports/dossiers?${MARCH}&groupBy=procedure&procedureCode=${ALLOWANCE}`, {
      token: admin,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.rows).toHaveLength(1);
    expect(res.json.rows[0]).toMatchObject({ key: ALLOWANCE, received: 3, late: 2, pausedOnTime: 1 });
    expect(res.json.rows[0].name.vi).toBeTruthy();
  });

  test('CSV with Vietnamese or English headers by Accept-Language, a total line, for Excel', async () => {
    const en = await cloud.fetch(`/reports/dossiers?${MARCH}&groupBy=agency`, {
      token: admin,
      headers: { accept: 'text/csv', 'accept-language': 'en' },
    });
    expect(en.status).toBe(200);
    expect(en.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = en.text.split('\r\n');
    expect(lines[0]).toMatch(/^Agency code,Received,Received online,Received in person,Received by post,/);
    // received, online, in person, post, ended, early, on time, late, in progress ok/overdue, paused ok/overdue,
    // resolved, returned, rejected, withdrawn, stopped, supplementation requests, average handling days
    expect(lines[1]).toMatch(/^000\.01\.21\.H19,5,2,2,1,3,1,1,1,1,1,0,0,3,3,1,0,0,0,3\.69,/);
    expect(lines[2]).toMatch(/^000\.02\.21\.H19,3,2,1,0,2,0,0,2,0,0,1,0,1,0,0,1,1,3,4,/);
    expect(lines[3]).toMatch(/^Total,8,4,3,1,5,1,1,3,1,1,1,0,4,3,1,1,1,3,3\.77,/);
    expect(lines[4]).toBe('');

    const vi = await cloud.fetch(`/reports/dossiers?${MARCH}&groupBy=agency&format=csv`, { token: admin });
    expect(vi.status).toBe(200);
    expect(vi.text.split('\r\n')[0]).toMatch(/^Mã cơ quan,Tổng số tiếp nhận,Tiếp nhận trực tuyến,/);
    expect(vi.text.split('\r\n')[3]).toMatch(/^Tổng cộng,8,/);

    // A byte order mark first, so that Excel reads the UTF-8 (fetch's text() strips it; the bytes keep it).
    const raw = await fetch(`${cloud.url}/reports/dossiers?${MARCH}&format=csv`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect([...new Uint8Array(await raw.arrayBuffer()).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });
});

describe('the national index', () => {
  test('every indicator, per group and in total, as worked out by hand', async () => {
    const res = await cloud.fetch(`/reports/index?${MARCH}`, { token: admin });
    expect(res.status, res.text).toBe(200);
    const byId = Object.fromEntries(res.json.indicators.map((i: { id: string }) => [i.id, i]));
    // Seed catalog: 17 procedures, 16 offered online (2.001263 is offline); 12 fee-bearing, 11 of them online.
    expect(res.json.catalogStats).toEqual({
      procedures: 17,
      onlineProcedures: 16,
      feeBearingProcedures: 12,
      feeBearingProceduresPayableOnline: 11,
    });
    expect(res.json.openAtEnd).toEqual({
      inProgressOnTime: 1,
      inProgressOverdue: 1,
      pausedOnTime: 1,
      pausedOverdue: 0,
    });
    const expected: Record<string, [number, number, number | null]> = {
      '1.4': [8, 8, 4.5], // all 8 received synced: 1 → 4.5
      '2.1': [4, 8, 5], // early 1 + on time 1 + open within time 2 / ended 5 + open 3 → 0.5 × 10
      '2.2': [7230, 4, null], // average, not scored
      '3.1': [16, 17, 4], // 0.941 / 0.8 × 4 capped at 4
      '3.3': [4, 8, 4], // 0.5 / 0.5 × 4
      '3.5': [11, 12, 5], // 0.917 / 0.8 × 5 capped at 5
      '3.6': [3, 5, 3], // E1 E3 E7 of E1 E2 E3 E6 E7: 0.6 × 5
      '4.1': [3, 4, 3.3], // 0.75 × 4.4
      '4.2': [6, 8, 4.13], // 0.75 / 0.8 × 4.4 = 4.125
      '4.3': [2, 8, 1.38], // 0.25 / 0.8 × 4.4 = 1.375
      '5.4': [1, 5, 1], // (5 − 3 late − 1 disliked) / 5 = 0.2 / 0.9 × 4.5
    };
    for (const [id, [numerator, denominator, score]] of Object.entries(expected)) {
      expect(byId[id], id).toMatchObject({ numerator, denominator, score });
    }
    expect(byId['2.2'].averageWorkingDays).toBe(3.77); // 7,230 / 4 / 480 = 3.765…
    expect(byId['2.1'].ratio).toBeCloseTo(4 / 8, 10);
    expect(byId['3.3']).toMatchObject({ ratio: 0.5, target: 0.5, maxPoints: 4 });
    const groups = Object.fromEntries(res.json.groups.map((g: { id: string; score: number }) => [g.id, g.score]));
    // 3b: 3.5 5 + 3.6 3; 4: 3.3 + 4.13 + 1.38; total 4.5 + 5 + 8 + 8 + 8.81 + 1
    expect(groups).toEqual({ '1': 4.5, '2': 5, '3a': 8, '3b': 8, '4': 8.81, '5': 1 });
    expect(res.json.total).toMatchObject({ maxPoints: 100, score: 35.31 });
    expect(Number(res.headers.get('x-read-units'))).toBeGreaterThan(0);
  });

  test('the public gets the province-level index without a token, and nothing per agency', async () => {
    const res = await cloud.fetch(`/public/reports/index?${MARCH}&agencyCode=${A}`);
    expect(res.status, res.text).toBe(200);
    expect(res.json.scope).toEqual({ level: 'province' });
    expect(res.json.total.score).toBe(35.31);
    expect(res.headers.get('x-read-units')).toMatch(/^\d+(\.\d+)?$/);
  });
});

describe('delivered again', () => {
  test('the same events delivered twice, and a stale one, leave every count unchanged', async () => {
    const before = await cloud.fetch(`/reports/dossiers?from=2025-03&to=2025-04&groupBy=month`, { token: admin });
    const indexBefore = await cloud.fetch(`/reports/index?${MARCH}`, { token: admin });
    await Promise.all([...published.values()].map(publish));
    // A stale version under a new event id (an older snapshot arriving late): dropped by its sequence.
    await publish({ ...eventOf('E2', 2), id: randomUUID() });
    await cloud.settle(40_000);
    const after = await cloud.fetch(`/reports/dossiers?from=2025-03&to=2025-04&groupBy=month`, { token: admin });
    const indexAfter = await cloud.fetch(`/reports/index?${MARCH}`, { token: admin });
    expect(after.json.rows).toEqual(before.json.rows);
    expect(after.json.total).toEqual(before.json.total);
    expect(indexAfter.json.indicators).toEqual(indexBefore.json.indicators);
    expect(after.json.rows[0].received).toBe(8);
  });
});

describe('who may see what', () => {
  test("an officer sees their agency's figures only; another agency is 403", async () => {
    const own = await cloud.fetch(`/reports/dossiers?${MARCH}`, { token: officerA });
    expect(own.status, own.text).toBe(200);
    expect(own.json.scope).toEqual({ level: 'agency', agencyCodes: [A] });
    expect(own.json.rows.map((row: { key: string }) => row.key)).toEqual([A]);
    expect(own.json.total.received).toBe(5); // E1 E2 E3 E6 E7

    const other = await cloud.fetch(`/reports/dossiers?${MARCH}&agencyCode=${B}`, { token: officerA });
    expect(other.status).toBe(403);
    expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await cloud.fetch(`/reports/index?${MARCH}&agencyCode=${B}`, { token: officerA })).status).toBe(403);

    const index = await cloud.fetch(`/reports/index?${MARCH}`, { token: officerA });
    expect(index.status).toBe(200);
    expect(index.json.scope).toEqual({ level: 'agency', agencyCodes: [A] });
    // Agency A handles 11 seed procedures, 10 of them online.
    expect(index.json.catalogStats).toMatchObject({ procedures: 11, onlineProcedures: 10 });
    expect(index.json.indicators.find((i: { id: string }) => i.id === '1.4')).toMatchObject({
      numerator: 5,
      denominator: 5,
    });
  });

  test('a leader sees the agencies below theirs, and an agency with every agency below it; not another branch', async () => {
    const b = await cloud.fetch(`/reports/dossiers?${MARCH}&agencyCode=${B}`, { token: leader });
    expect(b.status).toBe(200);
    expect(b.json.rows.map((row: { key: string }) => row.key)).toEqual([B]);
    const tree = await cloud.fetch(`/reports/dossiers?${MARCH}&agencyCode=${PARENT}&includeSubAgencies=true`, {
      token: leader,
    });
    expect(tree.status).toBe(200);
    expect(tree.json.scope.agencyCodes).toEqual(expect.arrayContaining([PARENT, A, B]));
    expect(tree.json.rows.map((row: { key: string }) => row.key)).toEqual([A, B]);
    expect(tree.json.total.received).toBe(8);
    // The provincial police is not below the People's Committee in the catalog.
    const police = await cloud.fetch(`/reports/dossiers?${MARCH}&agencyCode=000.00.11.H19`, { token: leader });
    expect(police.status).toBe(403);
  });

  test('citizens are refused, anonymous callers must authenticate, bad periods are 400', async () => {
    expect((await cloud.fetch(`/reports/dossiers?${MARCH}`, { token: citizen })).status).toBe(403);
    expect((await cloud.fetch(`/reports/index?${MARCH}`)).status).toBe(401);
    const bad = await cloud.fetch('/reports/dossiers?from=2025-04&to=2025-03', {
      token: admin,
      headers: { 'accept-language': 'en' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([{ path: 'query.to', message: 'must not be before from' }]);
  });

  test('sync state: officials of the agency and admins (another agency: 404, as unknown); failures for admins only', async () => {
    const status = await cloud.fetch('/sync/status?code=E1', { token: officerA });
    expect(status.status, status.text).toBe(200);
    expect(status.json).toMatchObject({ dossierCode: 'E1', status: 'synced', lastSyncedSequence: 7, attempts: 0 });
    expect((await cloud.fetch('/sync/status?code=E4', { token: officerA })).status).toBe(404);
    expect((await cloud.fetch('/sync/status?code=E4', { token: admin })).json.status).toBe('synced');
    expect((await cloud.fetch('/sync/failures', { token: officerA })).status).toBe(403);
    const failures = await cloud.fetch('/sync/failures', { token: admin });
    expect(failures.status).toBe(200);
    expect(failures.json.items).toEqual([]);
  });

  test('the national portal received each dossier at its newest version, with the payment platform', async () => {
    const e1 = await cloud.fetch('/dev/national-portal/sync/records/E1');
    expect(e1.status, e1.text).toBe(200);
    expect(e1.json.records.at(-1).record).toMatchObject({
      MaHoSo: 'E1',
      MaTTHC: CERTIFY,
      KenhThucHien: '2',
      TrangThaiHoSo: '10',
      DuocThanhToanTrucTuyen: '1',
      NgayTiepNhan: '20250303090000',
    });
    const all = await cloud.fetch('/dev/national-portal/sync/records');
    const statuses = Object.fromEntries(
      all.json.items.map((item: { code: string; record: { TrangThaiHoSo: string } }) => [
        item.code,
        item.record.TrangThaiHoSo,
      ]),
    );
    expect(statuses).toEqual({
      E1: '10',
      E2: '10',
      E3: '10',
      E4: '9',
      E5: '5',
      E6: '4',
      E7: '4',
      E8: '3',
      E9: '7',
      E10: '8',
    });
  });
});
