import { describe, expect, test } from 'vitest';
import { applyAction } from '#dossiers/domain/decide.ts';
import type { ActorRole, DossierAction, DossierActionType } from '#dossiers/domain/model.ts';
import { allowedActions } from '#dossiers/domain/transitions.ts';
import { DOSSIER_STATUSES, type DossierStatus } from '#dossiers/events.ts';
import { ConflictError, ForbiddenError, ValidationError } from '#platform/errors.ts';
import {
  admin,
  at,
  calendar,
  dossierIn,
  leader,
  OTHER,
  officer,
  otherLeader,
  otherOfficer,
  owner,
  stranger,
  system,
} from './fixtures.ts';

// The lifecycle as the brief and domain.md describe it, written out independently of transitions.ts.
const EXPECTED: Record<DossierActionType, Partial<Record<DossierStatus, DossierStatus>>> = {
  receive: { submitted: 'received' },
  reject: { submitted: 'rejected' },
  'request-supplement': {
    submitted: 'supplement_requested',
    received: 'supplement_requested',
    processing: 'supplement_requested',
  },
  supplement: { supplement_requested: 'processing' },
  'start-processing': { received: 'processing' },
  transfer: { processing: 'processing' },
  'request-payment': { received: 'payment_requested', processing: 'payment_requested', resolved: 'payment_requested' },
  'payment-completed': {
    submitted: 'submitted',
    received: 'received',
    processing: 'processing',
    payment_requested: 'processing',
    resolved: 'resolved',
  },
  resolve: { received: 'resolved', processing: 'resolved' },
  'return-result': { resolved: 'returned' },
  stop: { received: 'stopped', processing: 'stopped', supplement_requested: 'stopped', payment_requested: 'stopped' },
  withdraw: {
    submitted: 'withdrawn',
    received: 'withdrawn',
    processing: 'withdrawn',
    supplement_requested: 'withdrawn',
    payment_requested: 'withdrawn',
  },
  apologize: {
    received: 'received',
    processing: 'processing',
    supplement_requested: 'supplement_requested',
    payment_requested: 'payment_requested',
  },
  feedback: { returned: 'returned' },
};

const ROLES_OF: Record<DossierActionType, ActorRole[]> = {
  receive: ['officer', 'leader'],
  reject: ['officer', 'leader'],
  'request-supplement': ['officer', 'leader'],
  supplement: ['owner'],
  'start-processing': ['officer', 'leader'],
  transfer: ['officer', 'leader'],
  'request-payment': ['officer', 'leader'],
  'payment-completed': ['system'],
  resolve: ['officer', 'leader'],
  'return-result': ['officer', 'leader'],
  stop: ['leader'],
  withdraw: ['owner'],
  apologize: ['officer', 'leader'],
  feedback: ['owner'],
};

const REASON = 'Lý do cụ thể';
const PAYLOAD: Record<DossierActionType, DossierAction> = {
  receive: { type: 'receive' },
  reject: { type: 'reject', reason: REASON },
  'request-supplement': { type: 'request-supplement', reason: REASON },
  supplement: { type: 'supplement', documents: [{ requirementCode: 'id-copy', documentId: 'doc-2' }] },
  'start-processing': { type: 'start-processing' },
  transfer: { type: 'transfer', toAgencyCode: OTHER, allottedWorkingDays: 2 },
  'request-payment': { type: 'request-payment' },
  'payment-completed': { type: 'payment-completed', paymentId: 'pay-1', amount: 100_000 },
  resolve: {
    type: 'resolve',
    result: {
      number: '12/GCN',
      signer: 'Trần Thị B',
      issuedBy: 'UBND',
      signedAt: '2026-03-04T16:00:00+07:00',
      electronic: true,
    },
  },
  'return-result': { type: 'return-result' },
  stop: { type: 'stop', reason: REASON },
  withdraw: { type: 'withdraw' },
  apologize: { type: 'apologize', newAppointmentDate: '2026-03-12', reason: REASON },
  feedback: { type: 'feedback', rating: 'satisfied' },
};

const actorFor = (type: DossierActionType) => {
  const roles = ROLES_OF[type];
  if (roles.includes('system')) return system;
  if (roles.includes('owner')) return owner;
  return leader;
};

const NOW = at('2026-03-04T16:30:00+07:00');
const ctx = (actor = leader) => ({ now: NOW, actor, calendar });
const ACTIONS = Object.keys(EXPECTED) as DossierActionType[];

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('the transition table, action by status', () => {
  const cases = ACTIONS.flatMap((type) => DOSSIER_STATUSES.map((status) => [type, status] as const));
  test.each(cases)('%s from %s', (type, status) => {
    const dossier = dossierIn(status);
    const expected = EXPECTED[type][status];
    const act = () => applyAction(dossier, PAYLOAD[type], ctx(actorFor(type)));
    if (expected === undefined) {
      const error = thrown(act);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).kind).toBe('action-not-allowed');
    } else {
      const { dossier: next, event } = act();
      expect(next.status).toBe(expected);
      expect(next.version).toBe(dossier.version + 1);
      expect(next.history).toHaveLength(dossier.history.length + 1);
      expect(next.history.at(-1)).toMatchObject({ action: type, from: status, to: expected });
      expect(event.data.entry).toEqual(next.history.at(-1));
      expect(event.data.dossier.version).toBe(next.version);
      // The event never carries the context's own fields (form data, idempotency key, ...).
      expect(event.data.dossier).not.toHaveProperty('formData');
      expect(event.data.dossier).not.toHaveProperty('apologies');
    }
  });
});

describe('allowedActions', () => {
  test.each(DOSSIER_STATUSES)('lists, per role, exactly the actions of the table from %s', (status) => {
    for (const role of ['officer', 'leader', 'admin', 'owner', 'system'] as const) {
      const expected = ACTIONS.filter((a) => EXPECTED[a][status] !== undefined && ROLES_OF[a].includes(role));
      expect(allowedActions(dossierIn(status), role).sort()).toEqual(expected.sort());
    }
  });

  test('by hand: a leader on a processing dossier', () => {
    expect(allowedActions(dossierIn('processing'), 'leader').sort()).toEqual(
      ['apologize', 'request-payment', 'request-supplement', 'resolve', 'stop', 'transfer'].sort(),
    );
    expect(allowedActions(dossierIn('processing'), 'owner')).toEqual(['withdraw']);
    expect(allowedActions(dossierIn('processing'), undefined)).toEqual([]);
  });

  test('a 409 names the actions allowed to the actor', () => {
    const error = thrown(() => applyAction(dossierIn('processing'), { type: 'receive' }, ctx(officer)));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).status).toBe(409);
    expect(((error as ConflictError).extensions.allowedActions as string[]).sort()).toEqual(
      ['apologize', 'request-payment', 'request-supplement', 'resolve', 'transfer'].sort(),
    );
  });
});

describe('roles and agencies', () => {
  test.each([
    ['an officer stopping', 'stop', officer],
    ['an admin receiving', 'receive', admin],
    ['the owner receiving', 'receive', owner],
    ['another citizen withdrawing', 'withdraw', stranger],
    ['an officer withdrawing for the applicant', 'withdraw', officer],
    ['an officer supplementing', 'supplement', officer],
    ['an official reporting a payment', 'payment-completed', leader],
    ['the system receiving', 'receive', system],
    ['an officer of another agency', 'request-supplement', otherOfficer],
    ['a leader of another agency stopping', 'stop', otherLeader],
  ] as const)('forbids %s', (_label, type, actor) => {
    const status: DossierStatus =
      type === 'receive' ? 'submitted' : type === 'supplement' ? 'supplement_requested' : 'processing';
    const error = thrown(() => applyAction(dossierIn(status), PAYLOAD[type], ctx(actor)));
    expect(error).toBeInstanceOf(ForbiddenError);
  });

  test('an official without an agency is forbidden', () => {
    const error = thrown(() =>
      applyAction(dossierIn('submitted'), { type: 'receive' }, ctx({ sub: 'x', role: 'officer' })),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
  });

  test('an officer may take the ordinary actions, only a leader may stop', () => {
    expect(applyAction(dossierIn('submitted'), { type: 'receive' }, ctx(officer)).dossier.status).toBe('received');
    expect(applyAction(dossierIn('processing'), PAYLOAD.stop, ctx(leader)).dossier.status).toBe('stopped');
  });

  test('after a transfer only the receiving agency may act', () => {
    const { dossier } = applyAction(dossierIn('processing'), PAYLOAD.transfer, ctx(leader));
    expect(dossier.currentAgencyCode).toBe(OTHER);
    expect(thrown(() => applyAction(dossier, PAYLOAD.resolve, ctx(officer)))).toBeInstanceOf(ForbiddenError);
    expect(applyAction(dossier, PAYLOAD.resolve, ctx(otherOfficer)).dossier.status).toBe('resolved');
  });

  test('a wrong role is reported before a wrong status (no state leaks to outsiders)', () => {
    expect(thrown(() => applyAction(dossierIn('returned'), { type: 'receive' }, ctx(otherOfficer)))).toBeInstanceOf(
      ForbiddenError,
    );
  });
});

describe('required fields', () => {
  test.each([
    ['reject', 'submitted', { type: 'reject' }, 'reason'],
    ['request-supplement', 'processing', { type: 'request-supplement' }, 'reason'],
    ['stop', 'processing', { type: 'stop', note: 'no reason given' }, 'reason'],
    ['apologize', 'processing', { type: 'apologize', newAppointmentDate: '2026-03-12' }, 'reason'],
    ['apologize', 'processing', { type: 'apologize', reason: REASON }, 'newAppointmentDate'],
    ['transfer', 'processing', { type: 'transfer' }, 'toAgencyCode'],
    ['transfer', 'processing', { type: 'transfer', toAgencyCode: OTHER }, 'allottedWorkingDays'],
    ['resolve', 'processing', { type: 'resolve' }, 'result'],
    [
      'resolve',
      'processing',
      {
        type: 'resolve',
        result: { signer: 'B', issuedBy: 'UBND', signedAt: '2026-03-04T16:00:00+07:00', electronic: true },
      },
      'result.number',
    ],
    ['reject', 'submitted', { type: 'reject', reason: '   ' }, 'reason'],
  ] as const)('%s from %s without %s', (_type, status, action, path) => {
    const error = thrown(() => applyAction(dossierIn(status), action as unknown as DossierAction, ctx(leader)));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors.map((e) => e.path)).toContain(path);
  });

  test('an unknown action type names the type', () => {
    const error = thrown(() =>
      applyAction(dossierIn('processing'), { type: 'approve' } as unknown as DossierAction, ctx(leader)),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors[0]?.path).toBe('type');
  });

  test('feedback needs a rating', () => {
    const error = thrown(() =>
      applyAction(dossierIn('returned'), { type: 'feedback' } as unknown as DossierAction, ctx(owner)),
    );
    expect((error as ValidationError).errors[0]?.path).toBe('rating');
  });

  test('the reason and note are recorded in the history', () => {
    const { dossier } = applyAction(
      dossierIn('processing'),
      { type: 'stop', reason: REASON, note: 'Công văn 12' },
      ctx(leader),
    );
    expect(dossier.history.at(-1)).toEqual({
      at: '2026-03-04T16:30:00+07:00',
      action: 'stop',
      by: leader,
      from: 'processing',
      to: 'stopped',
      note: 'Công văn 12',
      reason: REASON,
    });
  });
});

describe('conditions beyond the status', () => {
  test('a procedure paid before reception cannot be received until paid; paying while submitted only marks it paid', () => {
    const unpaid = dossierIn('submitted', { payBeforeReception: true });
    const error = thrown(() => applyAction(unpaid, { type: 'receive' }, ctx(officer)));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).extensions.allowedActions).not.toContain('receive');

    const paid = applyAction(unpaid, PAYLOAD['payment-completed'], ctx(system)).dossier;
    expect(paid.status).toBe('submitted');
    expect(paid.paymentStatus).toBe('paid');
    expect(paid.paidOnline).toBe(true);
    expect(applyAction(paid, { type: 'receive' }, ctx(officer)).dossier.status).toBe('received');
  });

  test('a fee-free procedure paid before reception can be received at once', () => {
    const free = dossierIn('submitted', { payBeforeReception: true, fees: [], feeTotal: 0, paymentStatus: undefined });
    expect(applyAction(free, { type: 'receive' }, ctx(officer)).dossier.status).toBe('received');
  });

  test('a second payment for the same obligation conflicts, a wrong amount is invalid', () => {
    const paid = dossierIn('processing', { paymentStatus: 'paid' });
    expect(thrown(() => applyAction(paid, PAYLOAD['payment-completed'], ctx(system)))).toBeInstanceOf(ConflictError);
    const error = thrown(() =>
      applyAction(
        dossierIn('payment_requested'),
        { type: 'payment-completed', paymentId: 'p', amount: 99_000 },
        ctx(system),
      ),
    );
    expect((error as ValidationError).errors[0]?.path).toBe('amount');
  });

  test('supplementation asked before reception returns to submitted; the desk may then reject, not stop', () => {
    const asked = applyAction(dossierIn('submitted'), PAYLOAD['request-supplement'], ctx(officer)).dossier;
    expect(asked.status).toBe('supplement_requested');
    expect(asked.timeliness).toBeNull();
    expect(applyAction(asked, PAYLOAD.reject, ctx(officer)).dossier.status).toBe('rejected');
    expect(thrown(() => applyAction(asked, PAYLOAD.stop, ctx(leader)))).toBeInstanceOf(ConflictError);
    const back = applyAction(asked, PAYLOAD.supplement, ctx(owner)).dossier;
    expect(back.status).toBe('submitted');
    expect(back.appointmentAt).toBeUndefined();
    expect(back.statusBeforePause).toBeUndefined();
  });

  test('payment asked after resolution returns to resolved, and the owner can no longer withdraw', () => {
    const asked = applyAction(dossierIn('resolved'), { type: 'request-payment', amount: 25_000 }, ctx(officer)).dossier;
    expect(asked.status).toBe('payment_requested');
    expect(asked.fees).toEqual([{ code: 'obligation', name: 'Nghĩa vụ tài chính', amount: 25_000 }]);
    expect(asked.feeTotal).toBe(25_000);
    expect(allowedActions(asked, 'owner')).toEqual([]);
    expect(thrown(() => applyAction(asked, PAYLOAD.stop, ctx(leader)))).toBeInstanceOf(ConflictError);
    const paid = applyAction(asked, { type: 'payment-completed', paymentId: 'p2', amount: 25_000 }, ctx(system));
    expect(paid.dossier.status).toBe('resolved');
    expect(paid.event.type).toBe('dossier.paid');
    expect(paid.event.data.details).toEqual({ paymentId: 'p2', amount: 25_000 });
  });

  test('request-payment with fee lines replaces them; an amount that contradicts them is invalid', () => {
    const fees = [
      { code: 'LP', name: 'Lệ phí', amount: 100_000 },
      { code: 'PH', name: 'Phí thẩm định', amount: 50_000 },
    ];
    const asked = applyAction(dossierIn('processing'), { type: 'request-payment', fees }, ctx(officer));
    expect(asked.dossier.feeTotal).toBe(150_000);
    expect(asked.dossier.statusBeforePause).toBe('processing');
    expect(asked.event.data.details).toEqual({ amount: 150_000 });
    const error = thrown(() =>
      applyAction(dossierIn('processing'), { type: 'request-payment', fees, amount: 100_000 }, ctx(officer)),
    );
    expect((error as ValidationError).errors[0]?.path).toBe('amount');
    const free = dossierIn('processing', { fees: [], feeTotal: 0 });
    expect(
      (thrown(() => applyAction(free, { type: 'request-payment' }, ctx(officer))) as ValidationError).errors[0]?.path,
    ).toBe('fees');
  });

  test('feedback is given once', () => {
    const { dossier } = applyAction(
      dossierIn('returned'),
      { type: 'feedback', rating: 'neutral', comment: 'Ổn' },
      ctx(owner),
    );
    expect(dossier.feedback).toEqual({ rating: 'neutral', comment: 'Ổn', at: '2026-03-04T16:30:00+07:00' });
    expect(thrown(() => applyAction(dossier, PAYLOAD.feedback, ctx(owner)))).toBeInstanceOf(ConflictError);
  });

  test('withdrawal before reception does not end processing; after reception it does', () => {
    const early = applyAction(dossierIn('submitted'), PAYLOAD.withdraw, ctx(owner)).dossier;
    expect(early.endedAt).toBeUndefined();
    expect(early.timeliness).toBeNull();
    const late = applyAction(dossierIn('processing'), PAYLOAD.withdraw, ctx(owner)).dossier;
    expect(late.endedAt).toBe('2026-03-04T16:30:00+07:00');
    // Ended 4 March, before the appointment date of 5 March.
    expect(late.timeliness).toBe('early');
  });

  test('an apology needs an appointment date and must move it later than both the appointment and now', () => {
    const none = dossierIn('processing', { appointmentAt: undefined, processingTime: { kind: 'none' } });
    expect(thrown(() => applyAction(none, PAYLOAD.apologize, ctx(officer)))).toBeInstanceOf(ConflictError);
    for (const newAppointmentDate of ['2026-03-05', '2026-03-04', '2026-03-05T09:00:00+07:00']) {
      const error = thrown(() =>
        applyAction(dossierIn('processing'), { type: 'apologize', reason: REASON, newAppointmentDate }, ctx(officer)),
      );
      expect((error as ValidationError).errors[0]?.path).toBe('newAppointmentDate');
    }
    // An overdue dossier: the new date must also be after now.
    const overdue = { now: at('2026-03-09T10:00:00+07:00'), actor: officer, calendar };
    const error = thrown(() =>
      applyAction(
        dossierIn('processing'),
        { type: 'apologize', reason: REASON, newAppointmentDate: '2026-03-06' },
        overdue,
      ),
    );
    expect((error as ValidationError).errors[0]?.path).toBe('newAppointmentDate');
  });

  test('an apology keeps the old date and records the letter', () => {
    const { dossier, event } = applyAction(dossierIn('processing'), PAYLOAD.apologize, ctx(officer));
    // A date alone keeps the appointment's time of day (09:00).
    expect(dossier.appointmentAt).toBe('2026-03-12T09:00:00+07:00');
    expect(dossier.previousAppointments).toEqual(['2026-03-05T09:00:00+07:00']);
    expect(dossier.apologies).toEqual([
      {
        at: '2026-03-04T16:30:00+07:00',
        newAppointmentAt: '2026-03-12T09:00:00+07:00',
        previousAppointmentAt: '2026-03-05T09:00:00+07:00',
        reason: REASON,
        by: officer,
      },
    ]);
    expect(event.type).toBe('dossier.apologized');
    expect(event.data.details).toEqual({
      newAppointmentAt: '2026-03-12T09:00:00+07:00',
      previousAppointmentAt: '2026-03-05T09:00:00+07:00',
      reason: REASON,
    });
    const withTime = applyAction(
      dossierIn('processing'),
      { type: 'apologize', reason: REASON, newAppointmentDate: '2026-03-06T17:00:00+07:00' },
      ctx(officer),
    ).dossier;
    expect(withTime.appointmentAt).toBe('2026-03-06T17:00:00+07:00');
  });

  test('a transfer to the agency already holding the dossier is invalid', () => {
    const error = thrown(() =>
      applyAction(dossierIn('processing'), { type: 'transfer', toAgencyCode: leader.agencyCode! }, ctx(leader)),
    );
    expect((error as ValidationError).errors[0]?.path).toBe('toAgencyCode');
  });
});
