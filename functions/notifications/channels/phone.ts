/** Vietnamese mobile numbers in the forms each provider wants. */
import { ProviderError } from '../domain/delivery.ts';

const NATIONAL = /^0([35789]\d{8})$/;
const INTERNATIONAL = /^\+?84([35789]\d{8})$/;

/** The 9 significant digits after the country code, or undefined when it is not a Vietnamese mobile number. */
export function subscriberDigits(phone: string): string | undefined {
  const compact = phone.replace(/[\s.()-]/g, '');
  return NATIONAL.exec(compact)?.[1] ?? INTERNATIONAL.exec(compact)?.[1];
}

function digitsOrThrow(phone: string): string {
  const digits = subscriberDigits(phone);
  if (digits === undefined) {
    // An address no retry will fix: the channel fails for good and the next one is tried.
    throw new ProviderError('Invalid phone number: not a Vietnamese mobile number', { errorClass: 'permanent' });
  }
  return digits;
}

/** E.164, as SNS SMS takes it: +84912345678. */
export function toE164(phone: string): string {
  return `+84${digitsOrThrow(phone)}`;
}

/** Country code without "+", as Zalo ZNS takes it: 84912345678. */
export function toZaloPhone(phone: string): string {
  return `84${digitsOrThrow(phone)}`;
}
