/** Hand-built dossiers in each status, actors and inputs shared by the dossiers unit tests. */
import { createWorkingCalendar, VIETNAM_CALENDAR_2025_2027 } from '#calendar/index.ts';
import type { Dossier, NewDossierInput } from '#dossiers/domain/model.ts';
import type { Actor, DossierStatus } from '#dossiers/events.ts';

export const calendar = createWorkingCalendar(VIETNAM_CALENDAR_2025_2027);

export const HOME = '000.00.15.H19';
export const OTHER = '000.00.20.H19';
export const OWNER_ID = '001099012345';

export const officer: Actor = {
  sub: 'off-1',
  name: 'Nguyễn Văn A',
  title: 'Chuyên viên',
  agencyCode: HOME,
  role: 'officer',
};
export const leader: Actor = {
  sub: 'lead-1',
  name: 'Trần Thị B',
  title: 'Trưởng phòng',
  agencyCode: HOME,
  role: 'leader',
};
export const admin: Actor = { sub: 'adm-1', agencyCode: HOME, role: 'admin' };
export const otherOfficer: Actor = { sub: 'off-2', name: 'Lê Văn C', agencyCode: OTHER, role: 'officer' };
export const otherLeader: Actor = { sub: 'lead-2', agencyCode: OTHER, role: 'leader' };
export const owner: Actor = { sub: OWNER_ID, name: 'Phạm Thị D', role: 'citizen' };
export const stranger: Actor = { sub: '079200000001', role: 'citizen' };
export const system: Actor = { sub: 'payments', role: 'system' };

export const at = (localIso: string): Date => new Date(localIso);

export function newDossierInput(overrides: Partial<NewDossierInput['procedure']> = {}): NewDossierInput {
  return {
    code: `${HOME}-260423-0001`,
    agencyCode: HOME,
    channel: 'online',
    applicant: { idNumber: OWNER_ID, fullName: 'Phạm Thị D', type: 'citizen', language: 'vi' },
    authenticatedWithVneid: true,
    formData: { businessName: 'Tiệm tạp hóa D', capital: 50_000_000 },
    documents: [{ requirementCode: 'form', documentId: 'doc-1', digitized: true, reused: false }],
    resultDelivery: 'online',
    idempotencyKey: 'key-1',
    procedure: {
      code: '1.001612',
      name: 'Đăng ký thành lập hộ kinh doanh',
      version: 3,
      field: 'business',
      processingTime: { kind: 'working_days', days: 3 },
      payBeforeReception: false,
      resultType: 'electronic',
      fees: [{ code: 'LP', name: 'Lệ phí đăng ký', amount: 100_000 }],
      ...overrides,
    },
  };
}

const NATIONAL: Record<DossierStatus, number> = {
  submitted: 1,
  received: 2,
  rejected: 3,
  processing: 4,
  supplement_requested: 5,
  payment_requested: 6,
  withdrawn: 7,
  stopped: 8,
  resolved: 9,
  returned: 10,
};

/**
 * A dossier written by hand in the given status, with the fields that status implies: received Monday
 * 2026-03-02 09:00 with a 3-working-day appointment (Thursday 2026-03-05 09:00), fees of 100,000 VND unpaid.
 * A supplementation or payment pause came from processing.
 */
export function dossierIn(status: DossierStatus, overrides: Partial<Dossier> = {}): Dossier {
  const base: Dossier = {
    code: `${HOME}-260301-0007`,
    procedureCode: '1.001612',
    procedureName: 'Đăng ký thành lập hộ kinh doanh',
    procedureVersion: 3,
    field: 'business',
    agencyCode: HOME,
    currentAgencyCode: HOME,
    channel: 'online',
    applicant: { idNumber: OWNER_ID, fullName: 'Phạm Thị D', type: 'citizen', language: 'vi' },
    authenticatedWithVneid: true,
    status,
    nationalStatusCode: NATIONAL[status],
    version: 5,
    submittedAt: '2026-03-01T20:00:00+07:00',
    previousAppointments: [],
    timeliness: null,
    supplements: [],
    steps: [],
    documents: [{ requirementCode: 'form', documentId: 'doc-1', digitized: true, reused: false }],
    fees: [{ code: 'LP', name: 'Lệ phí đăng ký', amount: 100_000 }],
    feeTotal: 100_000,
    paymentStatus: 'unpaid',
    paidOnline: false,
    resultType: 'electronic',
    resultDelivery: 'online',
    history: [
      { at: '2026-03-01T20:00:00+07:00', action: 'submit', by: owner, from: null, to: 'submitted' },
      { at: '2026-03-02T09:00:00+07:00', action: 'receive', by: officer, from: 'submitted', to: 'received' },
      { at: '2026-03-02T09:30:00+07:00', action: 'x', by: officer, from: 'received', to: 'received' },
      { at: '2026-03-02T09:40:00+07:00', action: 'x', by: officer, from: 'received', to: 'received' },
      { at: '2026-03-02T09:50:00+07:00', action: 'x', by: officer, from: 'received', to: 'received' },
    ],
    formData: {},
    processingTime: { kind: 'working_days', days: 3 },
    payBeforeReception: false,
    apologies: [],
  };
  const received = { receivedAt: '2026-03-02T09:00:00+07:00', appointmentAt: '2026-03-05T09:00:00+07:00' };
  const ended = { endedAt: '2026-03-04T15:00:00+07:00' };
  const result = {
    number: '123/GCN-HKD',
    signer: 'Trần Thị B',
    issuedBy: HOME,
    signedAt: '2026-03-04T15:00:00+07:00',
    electronic: true,
  };
  const byStatus: Record<DossierStatus, Partial<Dossier>> = {
    submitted: {},
    received,
    processing: { ...received },
    supplement_requested: {
      ...received,
      statusBeforePause: 'processing',
      supplements: [{ requestedAt: '2026-03-03T10:00:00+07:00', requestedBy: officer, reason: 'Thiếu bản sao CCCD' }],
    },
    payment_requested: { ...received, statusBeforePause: 'processing' },
    resolved: { ...received, ...ended, result },
    returned: { ...received, ...ended, result, returnedAt: '2026-03-04T16:00:00+07:00' },
    rejected: { rejectedAt: '2026-03-02T09:00:00+07:00', endedAt: '2026-03-02T09:00:00+07:00' },
    withdrawn: { ...received, endedAt: '2026-03-03T09:00:00+07:00' },
    stopped: { ...received, ...ended },
  };
  return { ...base, ...byStatus[status], ...overrides };
}
