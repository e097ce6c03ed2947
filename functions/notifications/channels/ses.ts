/** Email through Amazon SES v2 (SendEmail), from the province's verified sender address. */
import { createHash } from 'node:crypto';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ProviderError } from '../domain/delivery.ts';
import type { ChannelProvider, OutgoingMessage, ProviderReceipt } from './provider.ts';

export interface SesEmailOptions {
  from: string;
  /** SES configuration set that publishes delivery and bounce events, if the province set one up. */
  configurationSet?: string;
  client?: Pick<SESv2Client, 'send'>;
}

let sharedClient: SESv2Client | undefined;

function defaultClient(): SESv2Client {
  sharedClient ??= new SESv2Client({ maxAttempts: 2 });
  return sharedClient;
}

/** Tags allow only [A-Za-z0-9_-]; the message id is hashed so bounces can be traced back to the log. */
export const emailTag = (messageId: string): string =>
  createHash('sha256').update(messageId).digest('hex').slice(0, 32);

/**
 * The dossier a message is about, as a tag (dossier codes hold dots, which tags do not allow, and no underscores),
 * so a bounce or complaint SES reports finds the message's record in the dossier's delivery log.
 */
export const dossierTag = (dossierCode: string): string => dossierCode.replaceAll('.', '_');
export const dossierOfTag = (tag: string): string => tag.replaceAll('_', '.');

export class SesEmailProvider implements ChannelProvider {
  readonly channel = 'email' as const;
  readonly #options: SesEmailOptions;

  constructor(options: SesEmailOptions) {
    this.#options = options;
  }

  async send(message: OutgoingMessage): Promise<ProviderReceipt> {
    const { rendered } = message;
    if (rendered.subject === undefined) {
      throw new ProviderError(`Template ${rendered.templateId} has no subject`, { errorClass: 'permanent' });
    }
    const client = this.#options.client ?? defaultClient();
    const out = await client.send(
      new SendEmailCommand({
        FromEmailAddress: this.#options.from,
        Destination: { ToAddresses: [message.to] },
        Content: {
          Simple: {
            Subject: { Data: rendered.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: rendered.text, Charset: 'UTF-8' },
              ...(rendered.html === undefined ? {} : { Html: { Data: rendered.html, Charset: 'UTF-8' } }),
            },
          },
        },
        EmailTags: [
          { Name: 'message', Value: emailTag(message.messageId) },
          { Name: 'template', Value: rendered.templateId.replace(/[^A-Za-z0-9_-]/g, '_') },
          ...(message.dossierCode === undefined ? [] : [{ Name: 'dossier', Value: dossierTag(message.dossierCode) }]),
        ],
        ...(this.#options.configurationSet ? { ConfigurationSetName: this.#options.configurationSet } : {}),
      }),
    );
    return out.MessageId === undefined ? {} : { providerMessageId: out.MessageId };
  }
}
