/**
 * The payment lifecycle as one explicit table (as dossiers' `transitions.ts`): for each move, the statuses it
 * may start from, where it leads and the event it emits. `payment.ts` applies it to gateway callbacks, status
 * queries, expiry and refunds; nothing else decides whether a payment's status may change.
 *
 * Choices made here:
 * - A payment leaves `pending` once, except that a verified "paid" (callback or query) for a payment we had
 *   given up on (failed or expired) still makes it paid: the money has moved, and a payer who paid must not be
 *   told otherwise. Such late payments are noted for the day's reconciliation report.
 * - A "failed" report moves only a pending payment; it never undoes a payment that was paid.
 * - `expire` is our own decision, taken only on a pending payment whose time is up (a guard in `payment.ts`).
 * - `refund-in-full` moves a paid payment to `refunded` only when the refunds that succeeded add up to the
 *   whole amount (a guard in `payment.ts`); a partial refund is recorded on the payment and moves nothing.
 * - `refunded` is final. Nothing moves a payment out of `paid` but a refund.
 */
import type { PaymentEventType, PaymentStatus } from '../events.ts';

export const PAYMENT_STATUSES = [
  'pending',
  'paid',
  'failed',
  'expired',
  'refunded',
] as const satisfies readonly PaymentStatus[];

export type PaymentMove = 'pay' | 'fail' | 'expire' | 'refund-in-full';

export interface PaymentTransitionRule {
  /** Each status the move may be made from, and where it leads from there. */
  from: Partial<Record<PaymentStatus, PaymentStatus>>;
  event: PaymentEventType;
}

export const PAYMENT_TRANSITIONS: Record<PaymentMove, PaymentTransitionRule> = {
  pay: { from: { pending: 'paid', failed: 'paid', expired: 'paid' }, event: 'payment.completed' },
  fail: { from: { pending: 'failed' }, event: 'payment.failed' },
  expire: { from: { pending: 'expired' }, event: 'payment.expired' },
  'refund-in-full': { from: { paid: 'refunded' }, event: 'payment.refunded' },
};

export const PAYMENT_MOVES = Object.keys(PAYMENT_TRANSITIONS) as PaymentMove[];

/** Where `move` leads from `status`, or undefined when the table does not allow it. */
export function transitionOf(
  move: PaymentMove,
  status: PaymentStatus,
): { to: PaymentStatus; event: PaymentEventType } | undefined {
  const rule = PAYMENT_TRANSITIONS[move];
  const to = rule.from[status];
  return to === undefined ? undefined : { to, event: rule.event };
}

/** Statuses no move leaves. */
export const FINAL_PAYMENT_STATUSES: readonly PaymentStatus[] = PAYMENT_STATUSES.filter((status) =>
  PAYMENT_MOVES.every((move) => PAYMENT_TRANSITIONS[move].from[status] === undefined),
);
