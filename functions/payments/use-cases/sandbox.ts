/** The local sandbox gateway (dev routes only): its checkout page and the pending payments it lists. */
import { now } from '#platform/clock.ts';
import { logger } from '#platform/observability.ts';
import type { Payment } from '../domain/payment.ts';
import { buildSandboxOutcome, readSandboxCheckout } from '../domain/sandbox.ts';
import { parseVnpayDate } from '../domain/vnpay.ts';
import { sandboxSettings, vnpayIpnUrl } from '../gateways.ts';
import * as store from '../store.ts';

export type CheckoutRequest =
  | { valid: false }
  | { valid: true; expired: boolean; params: Record<string, string>; amount: number; expiresAt?: Date };

/** Reads a checkout request as VNPay's payment page does: signed by the sandbox merchant, not expired. */
export function readCheckout(rawQuery: string): CheckoutRequest {
  const settings = sandboxSettings();
  const { signatureValid, params } = readSandboxCheckout(rawQuery, settings.hashSecret);
  if (!signatureValid || params.vnp_TmnCode !== settings.tmnCode || !/^\d+$/.test(params.vnp_Amount ?? '')) {
    return { valid: false };
  }
  const expiresAt = parseVnpayDate(params.vnp_ExpireDate);
  return {
    valid: true,
    expired: expiresAt !== undefined && expiresAt.getTime() < now().getTime(),
    params,
    amount: Number(params.vnp_Amount) / 100,
    ...(expiresAt ? { expiresAt } : {}),
  };
}

export type CheckoutResult =
  | { kind: 'invalid' }
  | { kind: 'expired' }
  | { kind: 'redirect'; location: string; ipnAnswer?: string };

/**
 * The payer's choice on the sandbox checkout page: the outcome is recorded (status queries answer from it),
 * the signed IPN is sent to the API over HTTP exactly as VNPay sends it, and the browser goes to the return URL.
 */
export async function submitCheckout(rawQuery: string, choice: 'pay' | 'cancel'): Promise<CheckoutResult> {
  const request = readCheckout(rawQuery);
  if (!request.valid) return { kind: 'invalid' };
  if (request.expired) return { kind: 'expired' };
  const at = now();
  const outcome = await store.putSandboxOutcome(
    buildSandboxOutcome(request.params, choice, at, sandboxSettings().hashSecret),
    at,
  );
  let ipnAnswer: string | undefined;
  try {
    const response = await fetch(`${vnpayIpnUrl()}?${outcome.ipnQuery}`, { signal: AbortSignal.timeout(15_000) });
    ipnAnswer = await response.text();
  } catch (error) {
    // As with VNPay, an IPN that did not get through is caught up by reconciliation (querydr).
    logger.warn('the sandbox IPN did not get through', { error: error as Error });
  }
  return { kind: 'redirect', location: outcome.returnUrl, ...(ipnAnswer === undefined ? {} : { ipnAnswer }) };
}

/** Pending payments for the sandbox index page. */
export async function pendingPayments(limit: number): Promise<Payment[]> {
  return store.listPending(limit);
}
