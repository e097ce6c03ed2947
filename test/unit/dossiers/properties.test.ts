import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type ProcessingTime, toLocalIso } from '#calendar/index.ts';
import { dossierSummary } from '#dossiers/api/views.ts';
import { applyAction, createDossier } from '#dossiers/domain/decide.ts';
import { listingOf } from '#dossiers/domain/listing.ts';
import {
  type Dossier,
  type DossierAction,
  type DossierActionType,
  isFinal,
  type NewDossierInput,
  toSnapshot,
} from '#dossiers/domain/model.ts';
import { actorRole, allowedActions, DOSSIER_ACTION_TYPES } from '#dossiers/domain/transitions.ts';
import { type Actor, isSnapshotHistoryEntry, NATIONAL_STATUS_CODE } from '#dossiers/events.ts';
import { ConflictError, ValidationError } from '#platform/errors.ts';
import { factFromSnapshot } from '#reporting/domain/facts.ts';
import { at, calendar, HOME, newDossierInput, OTHER, owner, system } from './fixtures.ts';

const OWNER_ACTIONS: DossierActionType[] = ['supplement', 'withdraw', 'feedback'];

/** The actor entitled to take the action on the dossier as it stands. */
function rightActor(d: Dossier, type: DossierActionType): Actor {
  if (type === 'payment-completed') return system;
  if (OWNER_ACTIONS.includes(type)) return owner;
  return { sub: `leader@${d.currentAgencyCode}`, agencyCode: d.currentAgencyCode, role: 'leader' };
}

/** A well-formed payload for the action on the dossier as it stands at `now`. */
function payloadFor(d: Dossier, type: DossierActionType, now: Date): DossierAction {
  switch (type) {
    case 'transfer':
      return { type, toAgencyCode: d.currentAgencyCode === HOME ? OTHER : HOME, allottedWorkingDays: 1 };
    case 'payment-completed':
      return { type, paymentId: `pay-${d.version}`, amount: d.feeTotal };
    case 'request-payment':
      return { type, amount: 30_000 };
    case 'resolve':
      return {
        type,
        result: { number: `${d.version}/KQ`, signer: 'A', issuedBy: HOME, signedAt: toLocalIso(now), electronic: true },
      };
    case 'apologize': {
      const base = Math.max(now.getTime(), d.appointmentAt ? Date.parse(d.appointmentAt) : 0);
      return { type, reason: 'Chậm', newAppointmentDate: toLocalIso(new Date(base + 2 * 86_400_000)) };
    }
    case 'feedback':
      return { type, rating: 'neutral' };
    case 'reject':
    case 'request-supplement':
    case 'stop':
      return { type, reason: 'Lý do' };
    default:
      return { type } as DossierAction;
  }
}

/**
 * Each step either takes any action (mostly refused) or, more often, one the dossier allows to someone now, so
 * that runs reach the deep states (returned, feedback, transfers, payments) and not only early refusals.
 */
const step = fc.record({
  pick: fc.noBias(fc.integer({ min: 0, max: 1_000_000 })),
  anyAction: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))),
  advanceMinutes: fc.integer({ min: 0, max: 3 * 24 * 60 }),
});
type Step = { pick: number; anyAction: boolean; advanceMinutes: number };
const steps = fc.array(step, { minLength: 1, maxLength: 40, size: 'max' });

const ROLES = ['officer', 'leader', 'owner', 'system'] as const;
function chooseAction(d: Dossier, { pick, anyAction }: Step): DossierActionType {
  const allowed = [...new Set(ROLES.flatMap((role) => allowedActions(d, role)))];
  const candidates = anyAction || allowed.length === 0 ? DOSSIER_ACTION_TYPES : allowed;
  return candidates[pick % candidates.length]!;
}

const procedure: fc.Arbitrary<Partial<NewDossierInput['procedure']>> = fc.record({
  payBeforeReception: fc.boolean(),
  processingTime: fc.oneof(
    fc.integer({ min: 0, max: 20 }).map((days): ProcessingTime => ({ kind: 'working_days', days })),
    fc.constant<ProcessingTime>({ kind: 'same_day' }),
    fc.constant<ProcessingTime>({ kind: 'none' }),
  ),
  fees: fc.boolean().map((free) => (free ? [] : [{ code: 'LP', name: 'Lệ phí', amount: 100_000 }])),
  legalMaxWorkingDays: fc.integer({ min: 1, max: 20 }),
  paymentPausesClock: fc.boolean(),
});

interface Outcome {
  applied: boolean;
  before: Dossier;
  after: Dossier;
  type: DossierActionType;
}

function run(plan: Step[], proc: Partial<NewDossierInput['procedure']>) {
  let now = at('2026-01-05T08:00:00+07:00');
  let d = createDossier(newDossierInput(proc), { now, actor: owner }).dossier;
  const outcomes: Outcome[] = [];
  for (const planned of plan) {
    const type = chooseAction(d, planned);
    now = new Date(now.getTime() + planned.advanceMinutes * 60_000);
    const before = d;
    const frozen = structuredClone(before);
    const actor = rightActor(d, type);
    const allowed = allowedActions(d, actorRole(d, actor)).includes(type);
    try {
      d = applyAction(d, payloadFor(d, type, now), { now, actor, calendar }).dossier;
      expect(allowed).toBe(true);
    } catch (error) {
      if (error instanceof ConflictError) expect(allowed).toBe(false);
      else if (!(error instanceof ValidationError)) throw error;
    }
    // The dossier passed in is never modified.
    expect(before).toEqual(frozen);
    outcomes.push({ applied: d !== before, before, after: d, type });
  }
  return outcomes;
}

describe('lifecycle properties', () => {
  test('the generated runs reach the deep states', () => {
    const reached = new Set<string>();
    for (const [plan, proc] of fc.sample(fc.tuple(steps, procedure), { numRuns: 200, seed: 42 })) {
      for (const o of run(plan, proc)) if (o.applied) reached.add(o.type);
    }
    expect([...reached].sort()).toEqual([...DOSSIER_ACTION_TYPES].sort());
  });

  test('the version strictly increases and history has one entry per applied action plus the submission', () => {
    fc.assert(
      fc.property(steps, procedure, (plan, proc) => {
        let applied = 0;
        for (const o of run(plan, proc)) {
          if (!o.applied) continue;
          applied += 1;
          expect(o.after.version).toBeGreaterThan(o.before.version);
          expect(o.after.version).toBe(applied + 1);
          expect(o.after.history).toHaveLength(applied + 1);
          expect(o.after.history.at(-1)).toMatchObject({ action: o.type, from: o.before.status, to: o.after.status });
          expect(o.after.nationalStatusCode).toBe(NATIONAL_STATUS_CODE[o.after.status]);
        }
      }),
      { numRuns: 100 },
    );
  });

  test('a final status never changes; only feedback is still taken, once', () => {
    fc.assert(
      fc.property(steps, procedure, (plan, proc) => {
        for (const o of run(plan, proc)) {
          if (!isFinal(o.before.status)) continue;
          expect(o.after.status).toBe(o.before.status);
          if (o.applied) {
            expect(o.type).toBe('feedback');
            expect(o.before.feedback).toBeUndefined();
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  test('once processing has ended, its end and timeliness never change', () => {
    fc.assert(
      fc.property(steps, procedure, (plan, proc) => {
        for (const o of run(plan, proc)) {
          if (o.before.endedAt === undefined) continue;
          expect(o.after.endedAt).toBe(o.before.endedAt);
          expect(o.after.timeliness).toBe(o.before.timeliness);
          expect(o.after.timeliness === null || ['early', 'on_time', 'late'].includes(o.after.timeliness)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  test('timeliness is null exactly until reception; appointments only move later', () => {
    fc.assert(
      fc.property(steps, procedure, (plan, proc) => {
        for (const o of run(plan, proc)) {
          expect(o.after.timeliness === null).toBe(o.after.receivedAt === undefined);
          if (o.before.appointmentAt && o.after.appointmentAt) {
            expect(Date.parse(o.after.appointmentAt)).toBeGreaterThanOrEqual(Date.parse(o.before.appointmentAt));
          }
          expect(o.after.previousAppointments.slice(0, o.before.previousAppointments.length)).toEqual(
            o.before.previousAppointments,
          );
        }
      }),
      { numRuns: 100 },
    );
  });

  test('a list shows of the listing what it shows of the whole dossier, timeliness included, at any moment', () => {
    fc.assert(
      fc.property(steps, procedure, fc.integer({ min: 0, max: 60 * 24 * 60 }), (plan, proc, laterMinutes) => {
        for (const o of run(plan, proc)) {
          const listing = listingOf(o.after);
          const asOf = new Date(Date.parse(o.after.history.at(-1)!.at) + laterMinutes * 60_000);
          expect(dossierSummary(listing, asOf, calendar)).toEqual(dossierSummary(o.after, asOf, calendar));
          // Bounded whatever the history: only the entries the timeliness rule reads are kept.
          expect(listing.history.length).toBeLessThanOrEqual(
            o.after.history.filter(
              (e) => e.action === 'apologize' || e.from === 'payment_requested' || e.to === 'payment_requested',
            ).length,
          );
        }
      }),
      { numRuns: 100 },
    );
  });

  test("an event's snapshot carries only some history entries, and reporting's fact is the whole history's", () => {
    fc.assert(
      fc.property(steps, procedure, (plan, proc) => {
        for (const o of run(plan, proc)) {
          const snapshot = toSnapshot(o.after);
          const whole = { ...snapshot, history: structuredClone(o.after.history) };
          expect(snapshot.history).toEqual(o.after.history.filter(isSnapshotHistoryEntry));
          const rules = { rules: { calendar } };
          expect(factFromSnapshot(snapshot, o.after.version, rules)).toEqual(
            factFromSnapshot(whole, o.after.version, rules),
          );
          // An older snapshot without endedAt: reporting dates the end from the history.
          const { endedAt: _trimmed, ...withoutEnd } = snapshot;
          const { endedAt: _whole, ...wholeWithoutEnd } = whole;
          expect(factFromSnapshot(withoutEnd, o.after.version, rules)).toEqual(
            factFromSnapshot(wholeWithoutEnd, o.after.version, rules),
          );
        }
      }),
      { numRuns: 100 },
    );
  });
});
