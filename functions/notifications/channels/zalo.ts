/**
 * Zalo Notification Service (ZNS): a message from the province's Official Account built from a template Zalo
 * approved beforehand, addressed by phone number. `POST https://business.openapi.zalo.me/message/template`
 * with the OA's access token in the `access_token` header; Zalo answers HTTP 200 with `error: 0` on success
 * and a negative `error` code otherwise, which is what decides between retrying and falling back.
 */
import { createHash } from 'node:crypto';
import { type ErrorClass, ProviderError } from '../domain/delivery.ts';
import { toZaloPhone } from './phone.ts';
import type { ChannelProvider, OutgoingMessage, ProviderReceipt } from './provider.ts';

export const ZNS_ENDPOINT = 'https://business.openapi.zalo.me/message/template';

/**
 * ZNS error codes by what a retry can do. Permanent: the number has no usable Zalo account or refuses ZNS,
 * or the template/application is misconfigured (an operator must act; meanwhile SMS carries the notice).
 * Temporary: unknown errors, an expired access token (renewed hourly by notifications-zalo-token-refresh, and
 * re-read from the secret within minutes), quotas that reset.
 */
export const ZNS_ERROR_CLASSES: ReadonlyMap<number, ErrorClass> = new Map([
  [-100, 'temporary'], // unknown error
  [-101, 'permanent'], // application invalid
  [-102, 'permanent'], // application does not exist
  [-103, 'permanent'], // application not activated
  [-104, 'permanent'], // application secret invalid
  [-105, 'permanent'], // application not linked to an OA
  [-108, 'permanent'], // phone number invalid
  [-109, 'permanent'], // template id invalid
  [-110, 'permanent'], // recipient's Zalo version unsupported
  [-111, 'permanent'], // template data empty
  [-112, 'permanent'], // template data invalid
  [-114, 'permanent'], // recipient inactive or refuses the message
  [-115, 'permanent'], // out of ZNS balance
  [-117, 'permanent'], // OA not allowed to send ZNS
  [-118, 'permanent'], // Zalo account does not exist
  [-119, 'permanent'], // account cannot receive ZNS
  [-124, 'temporary'], // access token invalid or expired
  [-133, 'temporary'], // outside the hours ZNS may be sent
  [-139, 'permanent'], // recipient refused this kind of ZNS
  [-144, 'temporary'], // OA's daily quota reached
]);

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{
  status: number;
  ok: boolean;
  text(): Promise<string>;
}>;

export interface ZaloZnsOptions {
  /** The OA access token (from Secrets Manager on AWS); called per send so a rotated token is picked up. */
  accessToken: () => Promise<string>;
  fetch?: FetchLike;
  endpoint?: string;
  timeoutMs?: number;
}

/** Zalo's tracking_id is short; the message id is hashed into it (and back-matched through the log). */
export const znsTrackingId = (messageId: string): string =>
  createHash('sha256').update(messageId).digest('hex').slice(0, 32);

export class ZaloZnsProvider implements ChannelProvider {
  readonly channel = 'zalo' as const;
  readonly #options: ZaloZnsOptions;

  constructor(options: ZaloZnsOptions) {
    this.#options = options;
  }

  async send(message: OutgoingMessage): Promise<ProviderReceipt> {
    const zns = message.rendered.zns;
    if (zns === undefined) {
      throw new ProviderError(`Template ${message.rendered.templateId} is not a ZNS template`, {
        errorClass: 'permanent',
      });
    }
    const token = await this.#options.accessToken();
    const doFetch = this.#options.fetch ?? (globalThis.fetch as unknown as FetchLike);
    const response = await doFetch(this.#options.endpoint ?? ZNS_ENDPOINT, {
      method: 'POST',
      headers: { 'content-type': 'application/json', access_token: token },
      body: JSON.stringify({
        phone: toZaloPhone(message.to),
        template_id: zns.templateId,
        template_data: zns.data,
        tracking_id: znsTrackingId(message.messageId),
      }),
      signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new ProviderError(`Zalo ZNS answered HTTP ${response.status}`, { httpStatus: response.status });
    }
    let body: { error?: unknown; message?: unknown; data?: { msg_id?: unknown } };
    try {
      body = JSON.parse(text) as typeof body;
    } catch (cause) {
      throw new ProviderError('Zalo ZNS answered with a body that is not JSON', { errorClass: 'temporary', cause });
    }
    const code = typeof body.error === 'number' ? body.error : Number(body.error);
    if (code !== 0) {
      const errorClass = ZNS_ERROR_CLASSES.get(code);
      throw new ProviderError(`Zalo ZNS error ${code}: ${String(body.message ?? 'no message')}`, {
        code: String(code),
        httpStatus: response.status,
        ...(errorClass === undefined ? {} : { errorClass }),
      });
    }
    const msgId = body.data?.msg_id;
    return typeof msgId === 'string' || typeof msgId === 'number' ? { providerMessageId: String(msgId) } : {};
  }
}
