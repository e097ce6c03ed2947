import { describe, expect, test } from 'vitest';
import type { DossierEventData, DossierEventType, DossierSnapshot } from '#dossiers/events.ts';
import { alertEnvelope } from '#notifications/domain/alerts.ts';
import {
  applicantRecipientId,
  type PlanningContext,
  planFallback,
  planNotifications,
  type Recipient,
} from '#notifications/domain/decide.ts';
import { renderTemplate, TEMPLATES } from '#notifications/domain/templates.ts';
import type { PaymentEventData } from '#payments/events.ts';
import type { EventEnvelope } from '#platform/events.ts';

const CODE = '000.00.15.H19-261122-0001';
const AGENCY = '000.00.15.H19';

function snapshot(overrides: Partial<DossierSnapshot> = {}, applicant: Partial<DossierSnapshot['applicant']> = {}) {
  const dossier: DossierSnapshot = {
    code: CODE,
    procedureCode: '2.000815',
    procedureName: 'Chứng thực bản sao từ bản chính',
    procedureVersion: 1,
    field: 'Chứng thực',
    agencyCode: AGENCY,
    currentAgencyCode: AGENCY,
    channel: 'online',
    applicant: {
      idNumber: '001090012345',
      fullName: 'Trần Văn Bình',
      type: 'citizen',
      phone: '0912345678',
      email: 'binh@example.vn',
      language: 'vi',
      ...applicant,
    },
    authenticatedWithVneid: true,
    status: 'received',
    nationalStatusCode: 2,
    version: 2,
    submittedAt: '2026-11-22T01:00:00Z',
    receivedAt: '2026-11-22T02:00:00Z',
    // 16:30 in Vietnam on 25 Nov 2026.
    appointmentAt: '2026-11-25T09:30:00Z',
    previousAppointments: [],
    timeliness: null,
    supplements: [],
    steps: [],
    documents: [],
    fees: [{ code: 'LP', name: 'Lệ phí', amount: 100_000 }],
    feeTotal: 100_000,
    paidOnline: false,
    resultType: 'electronic',
    resultDelivery: 'online',
    history: [],
    ...overrides,
  };
  return dossier;
}

function dossierEvent(
  type: DossierEventType,
  dossier: DossierSnapshot,
  details?: DossierEventData['details'],
  entry: Partial<DossierEventData['entry']> = {},
  id = 'evt-1',
): EventEnvelope<DossierEventData, DossierEventType> {
  const data: DossierEventData = {
    dossier,
    entry: { at: '2026-11-22T02:00:00Z', action: type, by: { sub: 'u1' }, from: null, to: dossier.status, ...entry },
  };
  if (details) data.details = details;
  return {
    id,
    type,
    version: 1,
    source: 'dossiers',
    subject: dossier.code,
    sequence: dossier.version,
    occurredAt: '2026-11-22T02:00:00Z',
    data,
  };
}

const official = (id: string, overrides: Partial<Recipient> = {}): Recipient => ({
  kind: 'official',
  id,
  name: `Cán bộ ${id}`,
  email: `${id}@h19.gov.vn`,
  phone: '0987000000',
  language: 'vi',
  consent: { email: true, sms: true, zalo: false },
  ...overrides,
});

function context(overrides: Partial<PlanningContext> = {}): PlanningContext {
  const officials: Record<string, Recipient[]> = {
    [AGENCY]: [official('o1'), official('o2', { language: 'en' })],
    'OTHER.AGENCY': [official('o9')],
  };
  return {
    officialsOf: (agencyCode) => officials[agencyCode] ?? [],
    portalBaseUrl: 'https://dichvucong.tinh.gov.vn/',
    ...overrides,
  };
}

describe('dossier.received', () => {
  test('tells the applicant the appointment date in Vietnamese, by Zalo first', () => {
    const messages = planNotifications(dossierEvent('dossier.received', snapshot()), context());
    expect(messages).toHaveLength(1);
    const [m] = messages;
    expect(m?.recipient.kind).toBe('applicant');
    expect(m?.recipient.id).toBe(`applicant:${CODE}`);
    expect(m?.channel).toBe('zalo');
    expect(m?.fallbackChannels).toEqual(['sms', 'email']);
    expect(m?.language).toBe('vi');
    expect(m?.vars.appointment).toBe('25/11/2026 16:30');
    expect(m?.templateId).toBe('applicant.dossier.received.zalo.vi');
    expect(m?.messageId).toBe(`evt-1:applicant:${CODE}:zalo`);
    expect(m?.dossierCode).toBe(CODE);
  });

  test('an English-speaking applicant gets English text with the zone named', () => {
    const [m] = planNotifications(dossierEvent('dossier.received', snapshot({}, { language: 'en' })), context());
    expect(m?.language).toBe('en');
    expect(m?.vars.appointment).toBe('25/11/2026 16:30 (GMT+7)');
    const template = TEMPLATES.find((t) => t.id === m?.templateId && t.version === m?.templateVersion)!;
    expect(renderTemplate(template, m!.vars).text).toContain(
      'Appointment date for the result: 25/11/2026 16:30 (GMT+7).',
    );
  });

  test('without an appointment date the text says the legal time limit applies', () => {
    const [m] = planNotifications(dossierEvent('dossier.received', snapshot({ appointmentAt: undefined })), context());
    expect(m?.vars.appointment).toBe('theo thời hạn quy định của thủ tục');
  });

  test('the officials are not told about a reception they made themselves', () => {
    const messages = planNotifications(dossierEvent('dossier.received', snapshot()), context());
    expect(messages.some((m) => m.recipient.kind === 'official')).toBe(false);
  });
});

describe('channel choice', () => {
  test('Zalo consent withdrawn: SMS first, then email', () => {
    const ctx = context({ preferencesOf: () => ({ consent: { zalo: false } }) });
    const [m] = planNotifications(dossierEvent('dossier.received', snapshot()), ctx);
    expect(m?.channel).toBe('sms');
    expect(m?.fallbackChannels).toEqual(['email']);
    expect(m?.messageId).toBe(`evt-1:applicant:${CODE}:sms`);
  });

  test('Zalo and SMS consent withdrawn: email only', () => {
    const ctx = context({ preferencesOf: () => ({ consent: { zalo: false, sms: false } }) });
    const [m] = planNotifications(dossierEvent('dossier.received', snapshot()), ctx);
    expect(m?.channel).toBe('email');
    expect(m?.fallbackChannels).toEqual([]);
  });

  test('no phone: email, whatever the consent to Zalo and SMS', () => {
    const [m] = planNotifications(dossierEvent('dossier.received', snapshot({}, { phone: undefined })), context());
    expect(m?.channel).toBe('email');
    expect(m?.fallbackChannels).toEqual([]);
  });

  test('no reachable channel at all: nothing planned', () => {
    const ctx = context({ preferencesOf: () => ({ consent: { zalo: false, sms: false, email: false } }) });
    expect(planNotifications(dossierEvent('dossier.received', snapshot()), ctx)).toEqual([]);
  });

  test('an official without email falls to SMS; without either, is skipped', () => {
    const ctx = context({
      officialsOf: () => [official('o1', { email: undefined }), official('o2', { email: undefined, phone: undefined })],
    });
    const messages = planNotifications(dossierEvent('dossier.submitted', snapshot({ status: 'submitted' })), ctx);
    const officials = messages.filter((m) => m.recipient.kind === 'official');
    expect(officials.map((m) => [m.recipient.id, m.channel])).toEqual([['o1', 'sms']]);
  });
});

describe('dossier.submitted', () => {
  test('acknowledges to the applicant and tells each official of the handling agency once, by email', () => {
    const officials = [official('o1'), official('o2', { language: 'en' }), official('o1')];
    const ctx = context({ officialsOf: (agency) => (agency === 'OTHER.AGENCY' ? officials : []) });
    const dossier = snapshot({ status: 'submitted', currentAgencyCode: 'OTHER.AGENCY' });
    const messages = planNotifications(dossierEvent('dossier.submitted', dossier), ctx);
    expect(messages.map((m) => `${m.recipient.id}/${m.channel}/${m.language}`)).toEqual([
      `applicant:${CODE}/zalo/vi`,
      'o1/email/vi',
      'o2/email/en',
    ]);
    const toOfficial = messages[1]!;
    expect(toOfficial.templateId).toBe('official.dossier.submitted.email.vi');
    expect(toOfficial.fallbackChannels).toEqual(['sms']);
    expect(toOfficial.vars).toMatchObject({ code: CODE, applicantName: 'Trần Văn Bình' });
    expect(toOfficial.vars.link).toBe(`https://dichvucong.tinh.gov.vn/dossiers/${CODE}`);
  });
});

describe('dossier.supplemented', () => {
  test('tells only the officials of the agency currently holding the dossier', () => {
    const dossier = snapshot({ status: 'processing', currentAgencyCode: 'OTHER.AGENCY' });
    const messages = planNotifications(dossierEvent('dossier.supplemented', dossier), context());
    expect(messages.map((m) => m.recipient.id)).toEqual(['o9']);
    expect(messages[0]?.templateId).toBe('official.dossier.supplemented.email.vi');
  });
});

describe('values per event', () => {
  test('payment requested: the amount in Vietnamese format and the payment link', () => {
    const event = dossierEvent('dossier.payment_requested', snapshot({ status: 'payment_requested' }), {
      amount: 1_250_000,
    });
    const [m] = planNotifications(event, context());
    expect(m?.vars.amount).toBe('1.250.000 ₫');
    expect(m?.vars.link).toBe(`https://dichvucong.tinh.gov.vn/dossiers/${CODE}/pay`);
  });

  test('payment requested without an amount in the details: the dossier fee total, English format', () => {
    const dossier = snapshot({ status: 'payment_requested', feeTotal: 75_000 }, { language: 'en' });
    const [m] = planNotifications(dossierEvent('dossier.payment_requested', dossier), context());
    expect(m?.vars.amount).toBe('75,000 VND');
  });

  test('supplement requested: the reason, in full and cut for SMS', () => {
    const reason = 'Bản sao căn cước công dân không rõ nét; đề nghị nộp lại bản chụp rõ hơn và bổ sung giấy ủy quyền.';
    const dossier = snapshot({
      status: 'supplement_requested',
      supplements: [{ requestedAt: '2026-11-23T02:00:00Z', requestedBy: { sub: 'o1' }, reason }],
    });
    const event = dossierEvent('dossier.supplement_requested', dossier, undefined, { to: 'supplement_requested' });
    const [m] = planNotifications(event, context());
    expect(m?.vars.reason).toBe(reason);
    expect(m?.vars.reasonShort).toHaveLength(50);
    expect(m?.vars.reasonShort?.endsWith('...')).toBe(true);
    expect(reason.startsWith(m!.vars.reasonShort!.slice(0, 47))).toBe(true);
  });

  test('rejected: the reason from the history entry', () => {
    const dossier = snapshot({ status: 'rejected' });
    const event = dossierEvent('dossier.rejected', dossier, undefined, { reason: 'Không thuộc thẩm quyền' });
    const [m] = planNotifications(event, context());
    expect(m?.vars.reason).toBe('Không thuộc thẩm quyền');
    expect(m?.templateId).toBe('applicant.dossier.rejected.zalo.vi');
  });

  test('apologized: the new date and the one it replaces, on the Vietnam clock', () => {
    const dossier = snapshot({ appointmentAt: '2026-12-02T09:30:00Z', previousAppointments: ['2026-11-25T09:30:00Z'] });
    const event = dossierEvent('dossier.apologized', dossier, {
      newAppointmentAt: '2026-12-02T09:30:00Z',
      previousAppointmentAt: '2026-11-25T09:30:00Z',
      reason: 'Cần xác minh thêm',
    });
    const [m] = planNotifications(event, context());
    expect(m?.vars).toMatchObject({
      newAppointment: '02/12/2026 16:30',
      previousAppointment: '25/11/2026 16:30',
      reason: 'Cần xác minh thêm',
    });
  });

  test('resolved: how the result is collected, in the applicant language', () => {
    const dossier = snapshot({ status: 'resolved', resultDelivery: 'counter' });
    const [m] = planNotifications(dossierEvent('dossier.resolved', dossier), context());
    expect(m?.vars.howToCollect).toBe('trực tiếp tại Bộ phận Một cửa');
  });
});

describe('events that concern no one', () => {
  test.each(['dossier.processing_started', 'dossier.transferred', 'dossier.paid', 'dossier.feedback_given'] as const)(
    '%s plans nothing',
    (type) => {
      expect(planNotifications(dossierEvent(type, snapshot({ status: 'processing' })), context())).toEqual([]);
    },
  );

  test('document events plan nothing', () => {
    const event: EventEnvelope = {
      id: 'd1',
      type: 'document.verified',
      version: 1,
      source: 'documents',
      subject: 'doc-1',
      sequence: 1,
      occurredAt: '2026-11-22T02:00:00Z',
      data: { documentId: 'doc-1' },
    };
    expect(planNotifications(event, context())).toEqual([]);
  });
});

describe('payment.completed', () => {
  const payment = (type: 'payment.completed' | 'payment.failed'): EventEnvelope<PaymentEventData> => ({
    id: 'pay-evt-1',
    type,
    version: 1,
    source: 'payments',
    subject: 'pay-1',
    sequence: 2,
    occurredAt: '2026-11-24T03:00:00Z',
    data: {
      paymentId: 'pay-1',
      dossierCode: CODE,
      payerIdNumber: '001090012345',
      gateway: 'sandbox',
      txnRef: 'T1',
      amount: 100_000,
      feeLines: [],
      status: type === 'payment.completed' ? 'paid' : 'failed',
      receipt: { number: 'BL-2026-000123', issuedAt: '2026-11-24T03:00:00Z' },
      channelCode: 2,
    },
  });
  const applicant: Recipient = {
    kind: 'applicant',
    id: applicantRecipientId(CODE),
    name: 'Trần Văn Bình',
    email: 'binh@example.vn',
    language: 'vi',
    consent: { email: true, sms: true, zalo: true },
  };

  test('tells the applicant known for the dossier the receipt number and amount', () => {
    const ctx = context({ applicantOf: (code) => (code === CODE ? applicant : undefined) });
    const [m] = planNotifications(payment('payment.completed'), ctx);
    expect(m?.channel).toBe('email');
    expect(m?.vars).toMatchObject({ receiptNumber: 'BL-2026-000123', amount: '100.000 ₫', code: CODE });
    expect(m?.messageId).toBe(`pay-evt-1:applicant:${CODE}:email`);
  });

  test('plans nothing when the applicant is unknown or the payment did not complete', () => {
    expect(planNotifications(payment('payment.completed'), context())).toEqual([]);
    const ctx = context({ applicantOf: () => applicant });
    expect(planNotifications(payment('payment.failed'), ctx)).toEqual([]);
  });
});

describe('deadline alerts', () => {
  test('go to the officials of the agency holding the dossier', () => {
    const alert = {
      key: `${CODE}:overdue:2026-11-25T09:30:00Z`,
      kind: 'overdue' as const,
      dossierCode: CODE,
      agencyCode: AGENCY,
      appointmentAt: '2026-11-25T09:30:00Z',
    };
    const messages = planNotifications(alertEnvelope(alert, '2026-11-26T01:00:00Z'), context());
    expect(messages.map((m) => [m.recipient.id, m.templateId])).toEqual([
      ['o1', 'official.alert.overdue.email.vi'],
      ['o2', 'official.alert.overdue.email.en'],
    ]);
    expect(messages[0]?.vars.appointment).toBe('25/11/2026 16:30');
    expect(messages[0]?.messageId).toBe(`alert:${CODE}:overdue:2026-11-25T09:30:00Z:o1:email`);
  });
});

describe('redelivery', () => {
  test('the same event plans identical messages, ids included', () => {
    const event = dossierEvent('dossier.submitted', snapshot({ status: 'submitted' }));
    const first = planNotifications(event, context());
    const again = planNotifications(structuredClone(event), context());
    expect(first.length).toBeGreaterThan(1);
    expect(again).toEqual(first);
  });

  test('a different event about the same dossier plans different ids', () => {
    const a = planNotifications(dossierEvent('dossier.received', snapshot(), undefined, {}, 'evt-1'), context());
    const b = planNotifications(dossierEvent('dossier.received', snapshot(), undefined, {}, 'evt-2'), context());
    expect(a[0]?.messageId).not.toBe(b[0]?.messageId);
  });
});

describe('planFallback', () => {
  test('walks the fallback channels in order with their own templates and ids', () => {
    const [m] = planNotifications(dossierEvent('dossier.received', snapshot()), context());
    const second = planFallback(m!);
    expect(second).toMatchObject({
      channel: 'sms',
      fallbackChannels: ['email'],
      templateId: 'applicant.dossier.received.sms.vi',
      messageId: `evt-1:applicant:${CODE}:sms`,
      vars: m!.vars,
    });
    const third = planFallback(second!);
    expect(third?.channel).toBe('email');
    expect(third?.fallbackChannels).toEqual([]);
    expect(planFallback(third!)).toBeUndefined();
  });
});
