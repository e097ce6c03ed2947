/**
 * The local stand-in for every channel: "sending" writes the message to the dev outbox (an item in the
 * notifications table, read at `GET /dev/outbox`), where it is delivered at once. Failures can be injected
 * per channel (`POST /dev/outbox/failures`) to watch retries, fallbacks and the DLQ work.
 */
import { now } from '#platform/clock.ts';
import { ProviderError } from '../domain/delivery.ts';
import type { NotificationChannel } from '../domain/templates.ts';
import { addDevOutboxMessage, takeDevFailure } from '../store.ts';
import type { ChannelProvider, ChannelProviders, OutgoingMessage, ProviderReceipt } from './provider.ts';

export class DevOutboxProvider implements ChannelProvider {
  readonly channel: NotificationChannel;

  constructor(channel: NotificationChannel) {
    this.channel = channel;
  }

  async send(message: OutgoingMessage): Promise<ProviderReceipt> {
    const failure = await takeDevFailure(this.channel);
    if (failure !== undefined) {
      throw new ProviderError(`Injected ${failure} failure of the ${this.channel} channel (dev outbox)`, {
        errorClass: failure,
        code: `dev-${failure}`,
      });
    }
    const { rendered } = message;
    await addDevOutboxMessage({
      messageId: message.messageId,
      channel: this.channel,
      to: message.to,
      template: rendered.templateId,
      templateVersion: rendered.templateVersion,
      language: rendered.language,
      ...(rendered.subject === undefined ? {} : { subject: rendered.subject }),
      body: rendered.text,
      ...(rendered.html === undefined ? {} : { html: rendered.html }),
      ...(rendered.zns === undefined ? {} : { zns: rendered.zns }),
      sentAt: now().toISOString(),
      ...(message.dossierCode === undefined ? {} : { dossierCode: message.dossierCode }),
    });
    return { providerMessageId: `dev-${message.messageId}`, delivered: true };
  }
}

export const devOutboxProviders = (): ChannelProviders => ({
  email: new DevOutboxProvider('email'),
  sms: new DevOutboxProvider('sms'),
  zalo: new DevOutboxProvider('zalo'),
});
