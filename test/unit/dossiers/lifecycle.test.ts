import { describe, expect, test } from 'vitest';
import { timelinessAt } from '#calendar/index.ts';
import { applyAction, createDossier, type Decision } from '#dossiers/domain/decide.ts';
import type { Dossier, DossierAction } from '#dossiers/domain/model.ts';
import type { Actor } from '#dossiers/events.ts';
import type { ValidationError } from '#platform/errors.ts';
import { at, calendar, HOME, newDossierInput, OTHER, officer, otherOfficer, owner, system } from './fixtures.ts';

const act = (d: Dossier, action: DossierAction, actor: Actor, localIso: string): Decision =>
  applyAction(d, action, { now: at(localIso), actor, calendar });

describe('createDossier', () => {
  test('builds the submitted dossier and its event', () => {
    const { dossier, event } = createDossier(newDossierInput({ legalMaxWorkingDays: 5 }), {
      now: at('2026-04-23T20:00:00+07:00'),
      actor: owner,
    });
    expect(dossier).toMatchObject({
      code: '000.00.15.H19-260423-0001',
      procedureCode: '1.001612',
      procedureVersion: 3,
      agencyCode: HOME,
      currentAgencyCode: HOME,
      status: 'submitted',
      nationalStatusCode: 1,
      version: 1,
      submittedAt: '2026-04-23T20:00:00+07:00',
      timeliness: null,
      feeTotal: 100_000,
      paymentStatus: 'unpaid',
      paidOnline: false,
      legalMaxWorkingDays: 5,
      idempotencyKey: 'key-1',
      payBeforeReception: false,
      processingTime: { kind: 'working_days', days: 3 },
      previousAppointments: [],
      apologies: [],
      steps: [],
    });
    expect(dossier.receivedAt).toBeUndefined();
    expect(dossier.history).toEqual([
      { at: '2026-04-23T20:00:00+07:00', action: 'submit', by: owner, from: null, to: 'submitted' },
    ]);
    expect(event.type).toBe('dossier.submitted');
    expect(event.data.dossier.code).toBe(dossier.code);
    expect(event.data.dossier).not.toHaveProperty('formData');
    expect(event.data.entry).toEqual(dossier.history[0]);
  });

  test('a fee-free procedure has no payment status; an invalid code is refused', () => {
    const free = createDossier(newDossierInput({ fees: [] }), { now: at('2026-04-23T20:00:00+07:00'), actor: owner });
    expect(free.dossier.feeTotal).toBe(0);
    expect(free.dossier.paymentStatus).toBeUndefined();
    const error = (() => {
      try {
        createDossier({ ...newDossierInput(), code: 'H19-1' }, { now: at('2026-04-23T20:00:00+07:00'), actor: owner });
      } catch (e) {
        return e;
      }
    })();
    expect((error as ValidationError).errors[0]?.path).toBe('code');
  });
});

describe('a full walk on the 2026 calendar', () => {
  // Household business registration, 3 working days, 100,000 VND, planned through two agencies.
  // Around 30 April – 1 May 2026: 27 April (Hùng Kings, compensated), 30 April and 1 May are holidays.
  const submitted = createDossier(
    newDossierInput({
      steps: [
        { agencyCode: HOME, allottedWorkingDays: 2 },
        { agencyCode: OTHER, allottedWorkingDays: 1 },
      ],
    }),
    { now: at('2026-04-23T20:00:00+07:00'), actor: owner },
  );

  test('walks submitted → received → supplement → processing → transfer → payment → resolved → returned → feedback', () => {
    const events = [submitted.event];
    let d = submitted.dossier;
    const step = (action: DossierAction, actor: Actor, localIso: string) => {
      const decision = act(d, action, actor, localIso);
      expect(decision.dossier.version).toBe(d.version + 1);
      expect(decision.dossier.history).toHaveLength(d.history.length + 1);
      expect(decision.event.data.dossier.version).toBe(decision.dossier.version);
      events.push(decision.event);
      d = decision.dossier;
      return decision;
    };

    // Received Friday 24 April 09:00. 3 working days: Tue 28, Wed 29 April, then (30 Apr, 1 May, weekend off)
    // Monday 4 May, same time of day.
    step({ type: 'receive' }, officer, '2026-04-24T09:00:00+07:00');
    expect(d).toMatchObject({
      status: 'received',
      nationalStatusCode: 2,
      receivedAt: '2026-04-24T09:00:00+07:00',
      appointmentAt: '2026-05-04T09:00:00+07:00',
      timeliness: 'in_progress_on_time',
    });

    step({ type: 'request-supplement', reason: 'Thiếu bản sao CCCD' }, officer, '2026-04-28T10:00:00+07:00');
    expect(d).toMatchObject({ status: 'supplement_requested', nationalStatusCode: 5, timeliness: 'paused_on_time' });
    expect(d.supplements).toEqual([
      { requestedAt: '2026-04-28T10:00:00+07:00', requestedBy: officer, reason: 'Thiếu bản sao CCCD' },
    ]);

    // Paused Tue 28 10:00 → Wed 29 16:00: 330 + 420 = 750 office minutes. From Mon 4 May 09:00: 390 to Monday's
    // closing, 240 on Tuesday morning, 120 from 13:00 → Tuesday 5 May 15:00.
    step(
      {
        type: 'supplement',
        documents: [{ requirementCode: 'id-copy', documentId: 'doc-2' }],
        formData: { capital: 60_000_000 },
      },
      owner,
      '2026-04-29T16:00:00+07:00',
    );
    expect(d).toMatchObject({
      status: 'received',
      appointmentAt: '2026-05-05T15:00:00+07:00',
      previousAppointments: ['2026-05-04T09:00:00+07:00'],
      timeliness: 'in_progress_on_time',
      formData: { businessName: 'Tiệm tạp hóa D', capital: 60_000_000 },
    });
    expect(d.statusBeforePause).toBeUndefined();
    expect(d.supplements[0]?.completedAt).toBe('2026-04-29T16:00:00+07:00');
    // The round keeps what came with it (for the national portal's DanhSachGiayToBoSung).
    expect(d.supplements[0]?.documents).toEqual([
      { requirementCode: 'id-copy', documentId: 'doc-2', digitized: false, reused: false },
    ]);
    expect(d.documents.map((x) => x.documentId)).toEqual(['doc-1', 'doc-2']);

    // The planned first step (2 working days = 960 office minutes) from Wed 29 April 16:30 would run to Tue 5 May
    // 16:30, past the dossier's appointment: a step never exceeds the total, so it is due at 15:00.
    step({ type: 'start-processing' }, officer, '2026-04-29T16:30:00+07:00');
    expect(d.status).toBe('processing');
    expect(d.steps[0]).toEqual({
      agencyCode: HOME,
      allottedWorkingDays: 2,
      startedAt: '2026-04-29T16:30:00+07:00',
      dueAt: '2026-05-05T15:00:00+07:00',
    });

    const transfer = step({ type: 'transfer', toAgencyCode: OTHER }, officer, '2026-05-04T08:00:00+07:00');
    expect(transfer.event.data.details).toEqual({ fromAgencyCode: HOME, toAgencyCode: OTHER });
    expect(d.currentAgencyCode).toBe(OTHER);
    expect(d.steps[0]?.endedAt).toBe('2026-05-04T08:00:00+07:00');
    expect(d.steps[1]).toEqual({
      agencyCode: OTHER,
      allottedWorkingDays: 1,
      startedAt: '2026-05-04T08:00:00+07:00',
      dueAt: '2026-05-05T08:00:00+07:00',
    });

    step({ type: 'request-payment' }, otherOfficer, '2026-05-04T10:00:00+07:00');
    expect(d).toMatchObject({ status: 'payment_requested', nationalStatusCode: 6, statusBeforePause: 'processing' });

    step({ type: 'payment-completed', paymentId: 'pay-9', amount: 100_000 }, system, '2026-05-04T11:00:00+07:00');
    expect(d).toMatchObject({ status: 'processing', paymentStatus: 'paid', paidOnline: true });

    // Just before the moved appointment, still in progress; a minute after it, overdue.
    expect(timelinessAt(d, at('2026-05-05T15:00:00+07:00'), { calendar })).toBe('in_progress_on_time');
    expect(timelinessAt(d, at('2026-05-05T15:01:00+07:00'), { calendar })).toBe('in_progress_overdue');

    const result = {
      number: '45/GCN-HKD',
      signer: 'Lê Văn C',
      issuedBy: OTHER,
      signedAt: '2026-05-05T14:00:00+07:00',
      electronic: true,
    };
    step({ type: 'resolve', result }, otherOfficer, '2026-05-05T14:00:00+07:00');
    // Resolved on the appointment's date, before its time: on time (not early).
    expect(d).toMatchObject({
      status: 'resolved',
      endedAt: '2026-05-05T14:00:00+07:00',
      currentAgencyCode: HOME,
      result,
      timeliness: 'on_time',
    });
    expect(d.steps[1]?.endedAt).toBe('2026-05-05T14:00:00+07:00');

    step({ type: 'return-result' }, officer, '2026-05-06T09:00:00+07:00');
    expect(d).toMatchObject({ status: 'returned', returnedAt: '2026-05-06T09:00:00+07:00', timeliness: 'on_time' });

    step({ type: 'feedback', rating: 'satisfied' }, owner, '2026-05-06T10:00:00+07:00');
    expect(d.feedback).toEqual({ rating: 'satisfied', at: '2026-05-06T10:00:00+07:00' });
    expect(d.version).toBe(11);
    expect(d.history.map((h) => [h.action, h.from, h.to])).toEqual([
      ['submit', null, 'submitted'],
      ['receive', 'submitted', 'received'],
      ['request-supplement', 'received', 'supplement_requested'],
      ['supplement', 'supplement_requested', 'received'],
      ['start-processing', 'received', 'processing'],
      ['transfer', 'processing', 'processing'],
      ['request-payment', 'processing', 'payment_requested'],
      ['payment-completed', 'payment_requested', 'processing'],
      ['resolve', 'processing', 'resolved'],
      ['return-result', 'resolved', 'returned'],
      ['feedback', 'returned', 'returned'],
    ]);
    expect(d.history[3]?.by).toEqual(owner);
    expect(d.history[7]?.by).toEqual(system);
    expect(events.map((e) => e.type)).toEqual([
      'dossier.submitted',
      'dossier.received',
      'dossier.supplement_requested',
      'dossier.supplemented',
      'dossier.processing_started',
      'dossier.transferred',
      'dossier.payment_requested',
      'dossier.paid',
      'dossier.resolved',
      'dossier.returned',
      'dossier.feedback_given',
    ]);
    // The input dossier is never modified.
    expect(submitted.dossier.version).toBe(1);
    expect(submitted.dossier.history).toHaveLength(1);
  });

  const processingAfterSupplement = (): Dossier => {
    let d = submitted.dossier;
    d = act(d, { type: 'receive' }, officer, '2026-04-24T09:00:00+07:00').dossier;
    d = act(d, { type: 'request-supplement', reason: 'Thiếu' }, officer, '2026-04-28T10:00:00+07:00').dossier;
    d = act(d, { type: 'supplement' }, owner, '2026-04-29T16:00:00+07:00').dossier;
    return act(d, { type: 'start-processing' }, officer, '2026-04-29T16:30:00+07:00').dossier;
  };

  test('resolved a day before the moved appointment date: early; after its time: late', () => {
    const d = processingAfterSupplement();
    const result = {
      number: '1',
      signer: 'A',
      issuedBy: HOME,
      signedAt: '2026-05-04T16:00:00+07:00',
      electronic: true,
    };
    expect(act(d, { type: 'resolve', result }, officer, '2026-05-04T16:00:00+07:00').dossier.timeliness).toBe('early');
    expect(act(d, { type: 'resolve', result }, officer, '2026-05-05T15:30:00+07:00').dossier.timeliness).toBe('late');
  });

  test('a second supplementation round makes the dossier late, however early it ends', () => {
    let d = processingAfterSupplement();
    d = act(d, { type: 'request-supplement', reason: 'Lần 2' }, officer, '2026-05-04T09:00:00+07:00').dossier;
    expect(d.timeliness).toBe('paused_overdue');
    d = act(d, { type: 'supplement' }, owner, '2026-05-04T10:00:00+07:00').dossier;
    expect(d.status).toBe('processing');
    expect(d.timeliness).toBe('in_progress_overdue');
    // The second pause (1 h) moved the appointment again; both earlier dates are kept.
    expect(d.previousAppointments).toEqual(['2026-05-04T09:00:00+07:00', '2026-05-05T15:00:00+07:00']);
    expect(d.appointmentAt).toBe('2026-05-05T16:00:00+07:00');
    const result = {
      number: '1',
      signer: 'A',
      issuedBy: HOME,
      signedAt: '2026-05-04T11:00:00+07:00',
      electronic: true,
    };
    expect(act(d, { type: 'resolve', result }, officer, '2026-05-04T11:00:00+07:00').dossier.timeliness).toBe('late');
  });

  test('an apology moves the promised date but a result after the legal date stays late (Tết 2026)', () => {
    // Received Friday 13 February 09:00; 14–15 weekend, 16–20 Tết, 21–22 weekend: 3 working days → Wed 25 Feb.
    let d = createDossier(newDossierInput(), { now: at('2026-02-12T20:00:00+07:00'), actor: owner }).dossier;
    d = act(d, { type: 'receive' }, officer, '2026-02-13T09:00:00+07:00').dossier;
    expect(d.appointmentAt).toBe('2026-02-25T09:00:00+07:00');
    d = act(d, { type: 'start-processing' }, officer, '2026-02-13T10:00:00+07:00').dossier;
    // With no planned step, the agency's own step carries the whole processing.
    expect(d.steps).toEqual([
      {
        agencyCode: HOME,
        allottedWorkingDays: 3,
        startedAt: '2026-02-13T10:00:00+07:00',
        dueAt: '2026-02-25T09:00:00+07:00',
      },
    ]);
    d = act(
      d,
      { type: 'apologize', newAppointmentDate: '2026-02-27', reason: 'Chờ xác minh' },
      officer,
      '2026-02-25T08:00:00+07:00',
    ).dossier;
    expect(d.appointmentAt).toBe('2026-02-27T09:00:00+07:00');
    expect(d.previousAppointments).toEqual(['2026-02-25T09:00:00+07:00']);
    expect(d.history.at(-1)).toMatchObject({
      action: 'apologize',
      from: 'processing',
      to: 'processing',
      reason: 'Chờ xác minh',
    });
    const result = {
      number: '1',
      signer: 'A',
      issuedBy: HOME,
      signedAt: '2026-02-26T10:00:00+07:00',
      electronic: true,
    };
    expect(act(d, { type: 'resolve', result }, officer, '2026-02-26T10:00:00+07:00').dossier.timeliness).toBe('late');
  });

  test('same-day procedures: before 15:00 due at closing, after it the next working day', () => {
    const sameDay = createDossier(newDossierInput({ processingTime: { kind: 'same_day' }, fees: [] }), {
      now: at('2026-04-29T08:00:00+07:00'),
      actor: owner,
    }).dossier;
    expect(act(sameDay, { type: 'receive' }, officer, '2026-04-29T14:00:00+07:00').dossier.appointmentAt).toBe(
      '2026-04-29T17:00:00+07:00',
    );
    // 30 April and 1 May are holidays, then the weekend.
    expect(act(sameDay, { type: 'receive' }, officer, '2026-04-29T15:30:00+07:00').dossier.appointmentAt).toBe(
      '2026-05-04T17:00:00+07:00',
    );
  });

  test('without an appointment date the legal maximum decides', () => {
    let d = createDossier(newDossierInput({ processingTime: { kind: 'none' }, legalMaxWorkingDays: 5 }), {
      now: at('2026-03-01T20:00:00+07:00'),
      actor: owner,
    }).dossier;
    d = act(d, { type: 'receive' }, officer, '2026-03-02T09:00:00+07:00').dossier;
    expect(d.appointmentAt).toBeUndefined();
    expect(d.timeliness).toBe('in_progress_on_time');
    const result = {
      number: '1',
      signer: 'A',
      issuedBy: HOME,
      signedAt: '2026-03-09T09:00:00+07:00',
      electronic: true,
    };
    // Mon 2 March 09:00 → Mon 9 March 09:00 is exactly 5 working days.
    expect(act(d, { type: 'resolve', result }, officer, '2026-03-09T09:00:00+07:00').dossier.timeliness).toBe(
      'on_time',
    );
    expect(act(d, { type: 'resolve', result }, officer, '2026-03-09T09:01:00+07:00').dossier.timeliness).toBe('late');
  });

  test('a stopped dossier is final with its timeliness', () => {
    let d = act(submitted.dossier, { type: 'receive' }, officer, '2026-04-24T09:00:00+07:00').dossier;
    d = act(
      d,
      { type: 'stop', reason: 'Không đủ điều kiện' },
      { ...officer, role: 'leader' },
      '2026-04-28T09:00:00+07:00',
    ).dossier;
    expect(d).toMatchObject({
      status: 'stopped',
      nationalStatusCode: 8,
      endedAt: '2026-04-28T09:00:00+07:00',
      timeliness: 'early',
    });
  });
});
