/**
 * Builds a dossier's successive snapshots (versions 1..n) the way the dossiers context would publish them, so the
 * reporting tests can feed realistic event streams. Times are local GMT+7 'YYYY-MM-DDTHH:mm'.
 */
import {
  type Actor,
  type Channel,
  type DossierResult,
  type DossierSnapshot,
  type DossierStatus,
  NATIONAL_STATUS_CODE,
} from '#dossiers/events.ts';

export const AG1 = '000.00.15.H19';
export const AG2 = '000.00.16.H19';
export const CERTIFY = '2.000815';
export const ALLOWANCE = '1.001776';

/** A GMT+7 local time as an ISO instant with offset. */
export const vn = (local: string): string => `${local}:00+07:00`;

const OFFICER: Actor = {
  sub: 'officer-1',
  name: 'Nguyễn Văn An',
  title: 'Chuyên viên',
  agencyCode: AG1,
  role: 'officer',
};

export interface DossierSpec {
  code: string;
  agencyCode: string;
  procedureCode: string;
  channel: Channel;
  submittedAt: string;
  documents: { digitized: boolean; reused?: boolean }[];
  fee: number;
  resultType?: 'electronic' | 'paper';
  legalMaxWorkingDays?: number;
}

export class DossierBuilder {
  readonly versions: DossierSnapshot[] = [];
  private current: DossierSnapshot;

  constructor(spec: DossierSpec) {
    const submittedAt = vn(spec.submittedAt);
    this.current = {
      code: spec.code,
      procedureCode: spec.procedureCode,
      procedureName: spec.procedureCode === CERTIFY ? 'Chứng thực bản sao từ bản chính' : 'Trợ cấp xã hội hằng tháng',
      procedureVersion: 1,
      field: spec.procedureCode === CERTIFY ? 'chung-thuc' : 'bao-tro-xa-hoi',
      agencyCode: spec.agencyCode,
      currentAgencyCode: spec.agencyCode,
      channel: spec.channel,
      applicant: { idNumber: '001099012345', fullName: 'Trần Thị Bình', type: 'citizen', language: 'vi' },
      authenticatedWithVneid: spec.channel === 'online',
      status: 'submitted',
      nationalStatusCode: NATIONAL_STATUS_CODE.submitted,
      version: 1,
      submittedAt,
      previousAppointments: [],
      ...(spec.legalMaxWorkingDays !== undefined ? { legalMaxWorkingDays: spec.legalMaxWorkingDays } : {}),
      timeliness: null,
      supplements: [],
      steps: [],
      documents: spec.documents.map((document, index) => ({
        requirementCode: `REQ-${index + 1}`,
        documentId: `${spec.code}-DOC-${index + 1}`,
        digitized: document.digitized,
        reused: document.reused ?? false,
      })),
      fees: spec.fee > 0 ? [{ code: 'LE-PHI', name: 'Lệ phí', amount: spec.fee }] : [],
      feeTotal: spec.fee,
      paymentStatus: spec.fee > 0 ? 'unpaid' : undefined,
      paidOnline: false,
      resultType: spec.resultType ?? 'electronic',
      resultDelivery: 'counter',
      history: [
        {
          at: submittedAt,
          action: 'submit',
          by: { sub: '001099012345', role: 'citizen' },
          from: null,
          to: 'submitted',
        },
      ],
    };
    this.versions.push(structuredClone(this.current));
  }

  private step(local: string, action: string, to: DossierStatus, patch: Partial<DossierSnapshot> = {}): this {
    const at = vn(local);
    const from = this.current.status;
    this.current = {
      ...this.current,
      ...patch,
      status: to,
      nationalStatusCode: NATIONAL_STATUS_CODE[to],
      version: this.current.version + 1,
      history: [...this.current.history, { at, action, by: OFFICER, from, to }],
    };
    this.versions.push(structuredClone(this.current));
    return this;
  }

  receive(local: string, appointmentLocal: string): this {
    return this.step(local, 'receive', 'received', { receivedAt: vn(local), appointmentAt: vn(appointmentLocal) });
  }

  process(local: string): this {
    return this.step(local, 'start-processing', 'processing');
  }

  requestSupplement(local: string): this {
    const round = { requestedAt: vn(local), requestedBy: OFFICER, reason: 'Thiếu giấy tờ' };
    return this.step(local, 'request-supplement', 'supplement_requested', {
      supplements: [...this.current.supplements, round],
    });
  }

  /** The applicant supplements; the appointment moves by the pause (the dossiers context computes the new date). */
  supplement(local: string, movedAppointmentLocal: string): this {
    const supplements = this.current.supplements.map((round, index, all) =>
      index === all.length - 1 ? { ...round, completedAt: vn(local) } : round,
    );
    const previous = this.current.appointmentAt;
    return this.step(local, 'supplement', 'processing', {
      supplements,
      appointmentAt: vn(movedAppointmentLocal),
      previousAppointments: previous ? [...this.current.previousAppointments, previous] : [],
    });
  }

  pay(local: string, online: boolean): this {
    return this.step(local, 'pay', this.current.status, { paymentStatus: 'paid', paidOnline: online });
  }

  resolve(local: string, result: { electronic: boolean; documentId?: string }): this {
    const issued: DossierResult = {
      number: `123/QĐ-${this.current.code}`,
      signer: 'Lê Văn Cường',
      issuedBy: this.current.agencyCode,
      signedAt: vn(local),
      electronic: result.electronic,
      ...(result.documentId ? { documentId: result.documentId } : {}),
    };
    return this.step(local, 'resolve', 'resolved', { endedAt: vn(local), result: issued });
  }

  returnResult(local: string): this {
    return this.step(local, 'return-result', 'returned', { returnedAt: vn(local) });
  }

  reject(local: string): this {
    return this.step(local, 'reject', 'rejected', { rejectedAt: vn(local), endedAt: vn(local) });
  }

  /** Withdrawal ends processing only for a received dossier, so only then is endedAt set. */
  withdraw(local: string): this {
    return this.step(local, 'withdraw', 'withdrawn', this.current.receivedAt ? { endedAt: vn(local) } : {});
  }

  stop(local: string): this {
    return this.step(local, 'stop', 'stopped', { endedAt: vn(local) });
  }

  feedback(local: string, rating: 'satisfied' | 'neutral' | 'dissatisfied'): this {
    return this.step(local, 'feedback', this.current.status, { feedback: { rating, at: vn(local) } });
  }

  get last(): DossierSnapshot {
    return this.versions[this.versions.length - 1]!;
  }
}

export const dossier = (spec: DossierSpec): DossierBuilder => new DossierBuilder(spec);

/**
 * The month of dossiers the scenario and property tests share; outcomes are written beside each one and the
 * expected counters are worked out from them by hand in scenario.test.ts.
 */
export function marchDossiers() {
  return {
    // Early: resolved before the appointment; online, paid online, all documents digitized (one reused),
    // electronic result, satisfied.
    D1: dossier({
      code: 'D1',
      agencyCode: AG1,
      procedureCode: CERTIFY,
      channel: 'online',
      submittedAt: '2025-03-03T08:00',
      documents: [{ digitized: true, reused: true }, { digitized: true }],
      fee: 4000,
    })
      .receive('2025-03-03T09:00', '2025-03-06T17:00')
      .process('2025-03-03T10:00')
      .pay('2025-03-04T09:00', true)
      .resolve('2025-03-05T10:00', { electronic: true, documentId: 'R-D1' })
      .returnResult('2025-03-05T15:00')
      .feedback('2025-03-06T09:00', 'satisfied'),
    // On time: resolved exactly at the appointment; in person, paid at the counter, paper document not digitized,
    // paper result without a file, neutral.
    D2: dossier({
      code: 'D2',
      agencyCode: AG1,
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
    // Late: resolved two days after the appointment; online, paid online, digitized, electronic result, dissatisfied.
    D3: dossier({
      code: 'D3',
      agencyCode: AG1,
      procedureCode: CERTIFY,
      channel: 'online',
      submittedAt: '2025-03-05T08:00',
      documents: [{ digitized: true }, { digitized: true }],
      fee: 6000,
    })
      .receive('2025-03-05T09:00', '2025-03-10T17:00')
      .process('2025-03-05T10:00')
      .pay('2025-03-06T09:00', true)
      .resolve('2025-03-12T10:00', { electronic: true, documentId: 'R-D3' })
      .returnResult('2025-03-12T14:00')
      .feedback('2025-03-13T09:00', 'dissatisfied'),
    // Two supplementation rounds: late although resolved before its (moved) appointment; fee-free, reused document.
    D4: dossier({
      code: 'D4',
      agencyCode: AG2,
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
      .resolve('2025-03-11T10:00', { electronic: true, documentId: 'R-D4' }),
    // One supplementation round, early; in person, one of two documents digitized, scanned paper result, satisfied.
    D5: dossier({
      code: 'D5',
      agencyCode: AG2,
      procedureCode: ALLOWANCE,
      channel: 'in_person',
      submittedAt: '2025-03-10T08:00',
      documents: [{ digitized: true }, { digitized: false }],
      fee: 0,
    })
      .receive('2025-03-10T08:00', '2025-03-24T17:00')
      .process('2025-03-10T09:00')
      .requestSupplement('2025-03-11T08:00')
      .supplement('2025-03-13T08:00', '2025-03-26T17:00')
      .resolve('2025-03-20T09:00', { electronic: false, documentId: 'R-D5' })
      .returnResult('2025-03-21T09:00')
      .feedback('2025-03-21T10:00', 'satisfied'),
    // Paused at the end of March: supplementation requested before the appointment, never completed.
    D6: dossier({
      code: 'D6',
      agencyCode: AG2,
      procedureCode: ALLOWANCE,
      channel: 'online',
      submittedAt: '2025-03-17T08:00',
      documents: [{ digitized: true }],
      fee: 0,
    })
      .receive('2025-03-17T09:00', '2025-03-31T17:00')
      .process('2025-03-17T10:00')
      .requestSupplement('2025-03-25T09:00'),
    // In progress and overdue at the end of March; by post, fee unpaid.
    D7: dossier({
      code: 'D7',
      agencyCode: AG1,
      procedureCode: CERTIFY,
      channel: 'post',
      submittedAt: '2025-03-17T14:00',
      documents: [{ digitized: false }],
      fee: 2000,
    })
      .receive('2025-03-18T09:00', '2025-03-21T17:00')
      .process('2025-03-18T10:00'),
    // In progress within time at the end of March; paid online.
    D8: dossier({
      code: 'D8',
      agencyCode: AG1,
      procedureCode: CERTIFY,
      channel: 'in_person',
      submittedAt: '2025-03-28T09:00',
      documents: [{ digitized: true }],
      fee: 2000,
    })
      .receive('2025-03-28T09:00', '2025-04-02T17:00')
      .pay('2025-03-28T09:30', true)
      .process('2025-03-28T10:00'),
    // Rejected at reception (online): never received, so not ended, timeliness null, in no intake counter; no result.
    D9: dossier({
      code: 'D9',
      agencyCode: AG1,
      procedureCode: CERTIFY,
      channel: 'online',
      submittedAt: '2025-03-12T08:00',
      documents: [{ digitized: true }],
      fee: 2000,
    }).reject('2025-03-12T10:00'),
    // Withdrawn before reception: counted as withdrawn, not as ended nor received.
    D10: dossier({
      code: 'D10',
      agencyCode: AG2,
      procedureCode: ALLOWANCE,
      channel: 'online',
      submittedAt: '2025-03-14T08:00',
      documents: [{ digitized: false }],
      fee: 0,
    }).withdraw('2025-03-14T12:00'),
    // Stopped after its appointment: ended, late.
    D11: dossier({
      code: 'D11',
      agencyCode: AG2,
      procedureCode: ALLOWANCE,
      channel: 'in_person',
      submittedAt: '2025-03-06T09:00',
      documents: [{ digitized: true }, { digitized: true }],
      fee: 0,
    })
      .receive('2025-03-06T09:00', '2025-03-20T17:00')
      .process('2025-03-06T10:00')
      .stop('2025-03-24T10:00'),
    // Received in February, resolved in March on its due date (on time): intake in February, outcome in March.
    D12: dossier({
      code: 'D12',
      agencyCode: AG1,
      procedureCode: CERTIFY,
      channel: 'in_person',
      submittedAt: '2025-02-27T09:00',
      documents: [{ digitized: true }],
      fee: 2000,
    })
      .receive('2025-02-27T09:00', '2025-03-04T17:00')
      .pay('2025-02-27T09:10', true)
      .process('2025-02-27T10:00')
      .resolve('2025-03-04T11:00', { electronic: true, documentId: 'R-D12' })
      .returnResult('2025-03-05T09:00'),
    // Submitted online on the last evening of March, not yet received: in no intake counter, never open.
    D13: dossier({
      code: 'D13',
      agencyCode: AG1,
      procedureCode: CERTIFY,
      channel: 'online',
      submittedAt: '2025-03-31T20:00',
      documents: [{ digitized: true, reused: true }, { digitized: true }],
      fee: 2000,
    }),
    // Received in March, resolved early in April: open (within time) at the end of March.
    D14: dossier({
      code: 'D14',
      agencyCode: AG2,
      procedureCode: ALLOWANCE,
      channel: 'in_person',
      submittedAt: '2025-03-26T09:00',
      documents: [{ digitized: true }],
      fee: 0,
    })
      .receive('2025-03-26T09:00', '2025-04-09T17:00')
      .process('2025-03-26T10:00')
      .resolve('2025-04-03T10:00', { electronic: true, documentId: 'R-D14' }),
  };
}
