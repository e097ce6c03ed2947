/**
 * One interface for every channel. A provider sends one rendered message and either returns (accepted by the
 * provider, perhaps already delivered) or throws; the caller classifies what it throws (temporary or
 * permanent, `classifyProviderError`) and decides between retrying and falling back to another channel.
 */
import type { NotificationChannel, RenderedMessage } from '../domain/templates.ts';

export interface OutgoingMessage {
  /** Deterministic per planned message: the provider's idempotency or tracking token where it has one. */
  messageId: string;
  channel: NotificationChannel;
  /** Email address, phone number or Zalo user id, as the channel addresses people. */
  to: string;
  dossierCode?: string;
  rendered: RenderedMessage;
}

export interface ProviderReceipt {
  providerMessageId?: string;
  /** The provider is the recipient's inbox itself (the dev outbox): delivered on acceptance. */
  delivered?: boolean;
}

export interface ChannelProvider {
  readonly channel: NotificationChannel;
  send(message: OutgoingMessage): Promise<ProviderReceipt>;
}

export type ChannelProviders = Record<NotificationChannel, ChannelProvider>;
