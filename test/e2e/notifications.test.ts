/**
 * Notifications end to end on the local cloud: dossier and payment events published on the real bus (as the
 * outbox publisher does) reach the applicant and the agency's officials through the dev outbox, in the
 * applicant's language; a redelivered event adds nothing; a channel failing temporarily is retried, one
 * failing for good falls back to the next, an undeliverable message ends in the DLQ without holding up
 * others; and the deadline schedule alerts an agency once about an overdue dossier.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DossierEventData, DossierEventType, DossierSnapshot, DossierStatus } from '#dossiers/events.ts';
import { seedLocalProvince } from '#local-cloud/seed.ts';
import type { PaymentEventData } from '#payments/events.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';

interface SeedOfficial {
  sub: string;
  agencyCode: string;
  email: string;
  phone: string;
  channels: { email: boolean; sms: boolean };
}

const AGENCY = '000.00.15.H19';
const OTHER_AGENCY = '000.00.21.H19';
const seedOfficials = JSON.parse(readFileSync('config/seed/dong-nai/officials.json', 'utf8')) as SeedOfficial[];
const agencyOfficials = seedOfficials.filter((o) => o.agencyCode === AGENCY);

let cloud: TestCloud;
let sns: SNSClient;
let sqs: SQSClient;
let admin: string;
let officer: string;
let otherOfficer: string;
let citizen: string;
let sequenceNumber = 0;

beforeAll(async () => {
  cloud = await startTestCloud();
  await seedLocalProvince(cloud);
  sns = new SNSClient({ endpoint: process.env.AWS_ENDPOINT_URL_SNS, region: process.env.AWS_REGION });
  sqs = new SQSClient({ endpoint: process.env.AWS_ENDPOINT_URL_SQS, region: process.env.AWS_REGION });
  admin = await cloud.token({ sub: 'admin-01', roles: ['admin'] });
  officer = await cloud.token({ sub: agencyOfficials[0]!.sub, roles: ['officer'], agencyCode: AGENCY });
  otherOfficer = await cloud.token({ sub: 'off-other', roles: ['officer'], agencyCode: OTHER_AGENCY });
  citizen = await cloud.token({ sub: '001099012345', roles: ['citizen'] });
  await cloud.settle();
});

afterAll(async () => {
  sns?.destroy();
  sqs?.destroy();
  await cloud?.stop();
});

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What the outbox publisher puts on the bus: the envelope as the message, its type as an attribute. */
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

interface OutboxMessage {
  messageId: string;
  channel: string;
  to: string;
  template: string;
  language: string;
  subject?: string;
  body: string;
  sentAt: string;
  dossierCode?: string;
}

async function outbox(query: { to?: string; dossierCode?: string }): Promise<OutboxMessage[]> {
  const params = new URLSearchParams(query as Record<string, string>);
  const res = await cloud.fetch(`/dev/outbox?${params}`);
  expect(res.status).toBe(200);
  return res.json as OutboxMessage[];
}

function newCode(): string {
  sequenceNumber += 1;
  return `${AGENCY}-261122-${String(sequenceNumber).padStart(4, '0')}`;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

/** A dossier as the dossiers context's events carry it: submitted an hour ago, received, due in five days. */
function snapshot(
  code: string,
  status: DossierStatus,
  version: number,
  applicant: Partial<DossierSnapshot['applicant']> = {},
  overrides: Partial<DossierSnapshot> = {},
): DossierSnapshot {
  return {
    code,
    procedureCode: '1.001612',
    procedureName: 'Đăng ký thành lập hộ kinh doanh',
    procedureVersion: 1,
    field: 'Thành lập và hoạt động của hộ kinh doanh',
    agencyCode: AGENCY,
    currentAgencyCode: AGENCY,
    channel: 'online',
    applicant: {
      idNumber: '001099012345',
      fullName: 'Phạm Thị Dung',
      type: 'citizen',
      phone: '0912345678',
      email: 'dung.pham@example.vn',
      language: 'vi',
      ...applicant,
    },
    authenticatedWithVneid: true,
    status,
    nationalStatusCode: 2,
    version,
    submittedAt: iso(Date.now() - HOUR),
    receivedAt: iso(Date.now() - HOUR / 2),
    appointmentAt: iso(Date.now() + 5 * DAY),
    previousAppointments: [],
    timeliness: null,
    supplements: [],
    steps: [],
    documents: [],
    fees: [{ code: 'LP', name: 'Lệ phí đăng ký hộ kinh doanh', amount: 100_000 }],
    feeTotal: 100_000,
    paymentStatus: 'unpaid',
    paidOnline: false,
    resultType: 'electronic',
    resultDelivery: 'online',
    history: [],
    ...overrides,
  };
}

function dossierEvent(type: DossierEventType, dossier: DossierSnapshot): EventEnvelope<DossierEventData> {
  return {
    id: randomUUID(),
    type,
    version: 1,
    source: 'dossiers',
    subject: dossier.code,
    sequence: dossier.version,
    occurredAt: new Date().toISOString(),
    data: {
      dossier,
      entry: {
        at: new Date().toISOString(),
        action: type.replace('dossier.', ''),
        by: { sub: agencyOfficials[0]!.sub, role: 'officer', agencyCode: AGENCY },
        from: null,
        to: dossier.status,
      },
    },
  };
}

async function dlqDepth(): Promise<number> {
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: cloud.resources.queues.get('notifications-from-events')!.dlqUrl,
      AttributeNames: ['ApproximateNumberOfMessages'],
    }),
  );
  return Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0);
}

async function injectFailure(channel: string, mode: 'temporary' | 'permanent', count?: number): Promise<void> {
  const res = await cloud.fetch('/dev/outbox/failures', {
    method: 'POST',
    body: { channel, mode, ...(count === undefined ? {} : { count }) },
  });
  expect(res.status).toBe(200);
}

async function clearFailures(): Promise<void> {
  expect((await cloud.fetch('/dev/outbox/failures', { method: 'DELETE' })).status).toBe(204);
}

describe('the officials directory', () => {
  test('is seeded from config/seed for each agency the catalog announces', async () => {
    const res = await cloud.fetch(`/notifications/officials?agencyCode=${AGENCY}`, { token: admin });
    expect(res.status).toBe(200);
    expect(res.json.map((o: { sub: string }) => o.sub).sort()).toEqual(agencyOfficials.map((o) => o.sub).sort());
  });

  test('admins create and update entries; others are refused', async () => {
    const body = {
      agencyCode: OTHER_AGENCY,
      name: 'Lê Thị Hoa',
      email: 'hoa.lt@bienhoa.dongnai.gov.vn',
      phone: '0987654321',
    };
    const created = await cloud.fetch('/notifications/officials/off-other', { method: 'PUT', token: admin, body });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ sub: 'off-other', active: true, channels: { email: true, sms: false } });
    const updated = await cloud.fetch('/notifications/officials/off-other', {
      method: 'PUT',
      token: admin,
      body: { ...body, channels: { email: true, sms: true } },
    });
    expect(updated.status).toBe(200);
    expect(updated.json.channels).toEqual({ email: true, sms: true });
    const noContact = await cloud.fetch('/notifications/officials/x', {
      method: 'PUT',
      token: admin,
      body: { agencyCode: OTHER_AGENCY, name: 'Không liên lạc' },
    });
    expect(noContact.status).toBe(400);
    expect(
      (await cloud.fetch('/notifications/officials/off-other', { method: 'PUT', token: officer, body })).status,
    ).toBe(403);
    expect(
      (await cloud.fetch('/notifications/officials/off-other', { method: 'PUT', token: citizen, body })).status,
    ).toBe(403);
  });
});

describe('templates', () => {
  test('are listed by event and language, with their versions', async () => {
    const res = await cloud.fetch('/notifications/templates?event=dossier.received&language=en', { token: admin });
    expect(res.status).toBe(200);
    expect(res.json.map((t: { id: string }) => t.id).sort()).toEqual([
      'applicant.dossier.received.email.en',
      'applicant.dossier.received.sms.en',
      'applicant.dossier.received.zalo.en',
    ]);
    for (const t of res.json) expect(t).toMatchObject({ version: 1, current: true, language: 'en' });
    expect((await cloud.fetch('/notifications/templates', { token: officer })).status).toBe(403);
  });

  test('preview renders a template with typical values', async () => {
    const res = await cloud.fetch('/notifications/templates/applicant.dossier.payment_requested.email.vi/preview', {
      token: admin,
    });
    expect(res.status).toBe(200);
    expect(res.json.subject).toBe('Hồ sơ 000.00.15.H19-261122-0001: đề nghị nộp phí, lệ phí');
    expect(res.json.text).toContain('Số tiền: 100.000 ₫.');
    expect(res.json.html).toContain('<html lang="vi">');
    expect(res.json.missing).toEqual([]);
    const sms = await cloud.fetch('/notifications/templates/applicant.dossier.received.sms.vi/preview', {
      token: admin,
    });
    // SMS go out unaccented (one GSM-7 segment holds 160 characters instead of 70).
    expect(sms.json.text).toMatch(/^Ho so 000\.00\.15\.H19-261122-0001/);
    expect((await cloud.fetch('/notifications/templates/no.such.template/preview', { token: admin })).status).toBe(404);
  });
});

describe('a dossier event', () => {
  test('reaches the applicant in their language and the officials of the agency, once', async () => {
    const code = newCode();
    const submitted = dossierEvent(
      'dossier.submitted',
      snapshot(
        code,
        'submitted',
        1,
        { language: 'en', fullName: 'Nguyen Van Minh', phone: '0903111222' },
        {
          receivedAt: undefined,
          appointmentAt: undefined,
        },
      ),
    );
    await publish(submitted);
    const expected = 1 + agencyOfficials.length;
    const sent = await waitFor(
      () => outbox({ dossierCode: code }),
      (m) => m.length >= expected,
    );
    await cloud.settle();
    const toApplicant = sent.filter((m) => m.to === '0903111222');
    expect(toApplicant).toHaveLength(1);
    expect(toApplicant[0]).toMatchObject({
      channel: 'zalo',
      template: 'applicant.dossier.submitted.zalo.en',
      language: 'en',
    });
    expect(toApplicant[0]!.body).toContain('Dear Nguyen Van Minh');
    const toOfficials = sent.filter((m) => m.template === 'official.dossier.submitted.email.vi');
    expect(toOfficials.map((m) => m.to).sort()).toEqual(agencyOfficials.map((o) => o.email).sort());
    expect(sent).toHaveLength(expected);

    // The same envelope again (at-least-once delivery): nothing more goes out.
    await publish(submitted);
    await cloud.settle();
    await new Promise((r) => setTimeout(r, 500));
    await cloud.settle();
    expect(await outbox({ dossierCode: code })).toHaveLength(expected);

    const log = await cloud.fetch(`/dossiers/${code}/notifications`, { token: officer });
    expect(log.status).toBe(200);
    expect(log.json.items).toHaveLength(expected);
    for (const item of log.json.items) expect(item).toMatchObject({ status: 'delivered', attempts: 1 });
    // Another agency's official is told there is none, as for an unknown dossier; a citizen is no official.
    expect((await cloud.fetch(`/dossiers/${code}/notifications`, { token: otherOfficer })).status).toBe(404);
    expect((await cloud.fetch(`/dossiers/${code}/notifications`, { token: citizen })).status).toBe(403);
  });

  test('payment.completed reaches the applicant known from earlier dossier events', async () => {
    const code = newCode();
    await publish(dossierEvent('dossier.payment_requested', snapshot(code, 'payment_requested', 3)));
    await waitFor(
      () => outbox({ dossierCode: code }),
      (m) => m.length >= 1,
    );
    const payment: EventEnvelope<PaymentEventData> = {
      id: randomUUID(),
      type: 'payment.completed',
      version: 1,
      source: 'payments',
      subject: 'pay-0001',
      sequence: 2,
      occurredAt: new Date().toISOString(),
      data: {
        paymentId: 'pay-0001',
        dossierCode: code,
        payerIdNumber: '001099012345',
        gateway: 'sandbox',
        txnRef: 'TXN0001',
        amount: 100_000,
        feeLines: [{ code: 'LP', name: 'Lệ phí đăng ký hộ kinh doanh', amount: 100_000 }],
        status: 'paid',
        paidAt: new Date().toISOString(),
        receipt: { number: 'BL-2026-000777', issuedAt: new Date().toISOString() },
        channelCode: 2,
      },
    };
    await publish(payment);
    const sent = await waitFor(
      () => outbox({ dossierCode: code }),
      (m) => m.some((x) => x.template.startsWith('applicant.payment.completed')),
    );
    const receipt = sent.find((m) => m.template === 'applicant.payment.completed.zalo.vi');
    expect(receipt).toMatchObject({ channel: 'zalo', to: '0912345678', language: 'vi' });
    expect(receipt!.body).toContain('100.000 ₫');
    expect(receipt!.body).toContain('BL-2026-000777');
  });
});

describe('channel failures', () => {
  test('a channel failing temporarily is retried until it delivers', async () => {
    const code = newCode();
    await injectFailure('zalo', 'temporary', 2);
    try {
      await publish(dossierEvent('dossier.received', snapshot(code, 'received', 2)));
      const sent = await waitFor(
        () => outbox({ dossierCode: code }),
        (m) => m.length >= 1,
        30_000,
      );
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ channel: 'zalo', template: 'applicant.dossier.received.zalo.vi' });
      const log = await cloud.fetch(`/dossiers/${code}/notifications`, { token: officer });
      expect(log.json.items).toHaveLength(1);
      expect(log.json.items[0]).toMatchObject({ channel: 'zalo', status: 'delivered', attempts: 3 });
    } finally {
      await clearFailures();
    }
  });

  test('a channel failing for good falls back to the next one', async () => {
    const code = newCode();
    await injectFailure('zalo', 'permanent');
    try {
      await publish(dossierEvent('dossier.received', snapshot(code, 'received', 2)));
      const sent = await waitFor(
        () => outbox({ dossierCode: code }),
        (m) => m.length >= 1,
      );
      await cloud.settle();
      expect(await outbox({ dossierCode: code })).toHaveLength(1);
      expect(sent[0]).toMatchObject({
        channel: 'sms',
        to: '0912345678',
        template: 'applicant.dossier.received.sms.vi',
      });
      const log = await cloud.fetch(`/dossiers/${code}/notifications`, { token: officer });
      const [zalo, sms] = log.json.items;
      expect(zalo).toMatchObject({ channel: 'zalo', status: 'failed', attempts: 1 });
      expect(zalo.lastError.class).toBe('permanent');
      expect(sms).toMatchObject({ channel: 'sms', status: 'delivered', fallbackOf: zalo.messageId });
    } finally {
      await clearFailures();
    }
  });

  test('a message no channel can deliver ends in the DLQ without holding up others', async () => {
    const undeliverable = newCode();
    const deliverable = newCode();
    const before = await dlqDepth();
    await injectFailure('email', 'permanent');
    try {
      // Reachable by email only, which fails for good.
      await publish(dossierEvent('dossier.received', snapshot(undeliverable, 'received', 2, { phone: undefined })));
      // Reachable by phone: goes out meanwhile.
      await publish(dossierEvent('dossier.received', snapshot(deliverable, 'received', 2, { email: undefined })));
      const other = await waitFor(
        () => outbox({ dossierCode: deliverable }),
        (m) => m.length >= 1,
      );
      expect(other[0]).toMatchObject({ channel: 'zalo', to: '0912345678' });
      expect(await waitFor(dlqDepth, (n) => n > before, 30_000)).toBe(before + 1);
      expect(await outbox({ dossierCode: undeliverable })).toEqual([]);
      const log = await cloud.fetch(`/dossiers/${undeliverable}/notifications`, { token: officer });
      expect(log.json.items).toHaveLength(1);
      expect(log.json.items[0]).toMatchObject({ channel: 'email', status: 'failed' });
    } finally {
      await clearFailures();
    }
  });
});

describe('deadline alerts', () => {
  test('an overdue dossier is reported to its agency once, however often the schedule runs', async () => {
    const code = newCode();
    // Three days from now at 09:00 UTC, i.e. 16:00 in Vietnam (GMT+7) on the same date.
    const due = new Date(Date.now() + 3 * DAY);
    due.setUTCHours(9, 0, 0, 0);
    const appointmentAt = due.toISOString();
    const pad = (n: number) => String(n).padStart(2, '0');
    const shown = `${pad(due.getUTCDate())}/${pad(due.getUTCMonth() + 1)}/${due.getUTCFullYear()} 16:00`;
    await publish(dossierEvent('dossier.received', snapshot(code, 'received', 2, {}, { appointmentAt })));
    await waitFor(
      () => outbox({ dossierCode: code }),
      (m) => m.length >= 1,
    );
    await cloud.settle();
    try {
      expect((await cloud.fetch('/dev/clock', { body: { now: iso(due.getTime() + 2 * HOUR) } })).status).toBe(200);
      for (let run = 0; run < 2; run++) {
        const res = await cloud.fetch('/dev/schedules/notifications-deadlines', { method: 'POST' });
        expect(res.status).toBe(200);
        await cloud.settle();
      }
      const alerts = await waitFor(
        async () => (await outbox({ dossierCode: code })).filter((m) => m.template.startsWith('official.alert.')),
        (m) => m.length >= agencyOfficials.length,
      );
      expect(alerts.map((m) => m.template)).toEqual(agencyOfficials.map(() => 'official.alert.overdue.email.vi'));
      expect(alerts.map((m) => m.to).sort()).toEqual(agencyOfficials.map((o) => o.email).sort());
      expect(alerts[0]!.body).toContain(shown);
    } finally {
      await cloud.fetch('/dev/clock', { method: 'DELETE' });
    }
  });
});
