/** SMS through Amazon SNS Publish to a phone number (transactional, with the province's sender id). */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { snsClient } from '#platform/aws.ts';
import { toE164 } from './phone.ts';
import type { ChannelProvider, OutgoingMessage, ProviderReceipt } from './provider.ts';

export interface SnsSmsOptions {
  /** Alphanumeric sender id registered for Vietnam (brandname), e.g. DONGNAI. */
  senderId?: string;
  client?: Pick<SNSClient, 'send'>;
}

export class SnsSmsProvider implements ChannelProvider {
  readonly channel = 'sms' as const;
  readonly #options: SnsSmsOptions;

  constructor(options: SnsSmsOptions = {}) {
    this.#options = options;
  }

  async send(message: OutgoingMessage): Promise<ProviderReceipt> {
    const client = this.#options.client ?? snsClient();
    const out = await client.send(
      new PublishCommand({
        PhoneNumber: toE164(message.to),
        Message: message.rendered.text,
        MessageAttributes: {
          // Transactional: delivered with priority and allowed to opted-in numbers at any hour.
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          ...(this.#options.senderId
            ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: this.#options.senderId } }
            : {}),
        },
      }),
    );
    return out.MessageId === undefined ? {} : { providerMessageId: out.MessageId };
  }
}
