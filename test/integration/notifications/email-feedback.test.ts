/**
 * SES bounces and complaints on the local cloud: an email is sent through the SES provider (a stand-in SES client
 * that accepts it and keeps the request, tags included) and recorded as SES leaves it on AWS (sent); the test then
 * plays SES's configuration set, sending its bounce or complaint event (built from the tags the email carried) to
 * the notifications-email-feedback queue as the feedback topic would deliver it, raw. The consumer fails the
 * message's delivery record through the context's delivery-report path, so the dossier's delivery log shows it.
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SesEmailProvider } from '#notifications/channels/ses.ts';
import { applicantRecipientId, messageIdFor, type PlannedMessage } from '#notifications/domain/decide.ts';
import { DEFAULT_RETRY_POLICY } from '#notifications/domain/delivery.ts';
import { SAMPLE_VARS, TEMPLATES } from '#notifications/domain/templates.ts';
import { deliveryLog } from '#notifications/store.ts';
import { deliver } from '#notifications/use-cases/dispatch.ts';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  await cloud?.stop();
});

const template = TEMPLATES.find((t) => t.channel === 'email' && t.audience === 'applicant' && t.language === 'vi')!;

/** An email to an applicant, sent through SES (the stand-in) and recorded; returns the tags SES was given. */
async function sentEmail(
  dossierCode: string,
  to: string,
): Promise<{ messageId: string; tags: Record<string, string> }> {
  const eventId = crypto.randomUUID();
  const recipient = {
    kind: 'applicant' as const,
    id: applicantRecipientId(dossierCode),
    email: to,
    language: 'vi' as const,
    consent: { email: true, sms: true, zalo: true },
  };
  const message: PlannedMessage = {
    messageId: messageIdFor(eventId, recipient.id, 'email'),
    eventId,
    event: template.event,
    dossierCode,
    recipient,
    channel: 'email',
    fallbackChannels: [],
    templateId: template.id,
    templateVersion: template.version,
    language: 'vi',
    vars: SAMPLE_VARS.vi,
  };
  const requests: { EmailTags: { Name: string; Value: string }[] }[] = [];
  const ses = {
    send: async (command: { input: (typeof requests)[number] }) => {
      requests.push(command.input);
      return { MessageId: `ses-${eventId}` };
    },
  } as unknown as Pick<SESv2Client, 'send'>;
  const email = new SesEmailProvider({ from: 'khong-tra-loi@dichvucong.dongnai.gov.vn', client: ses });
  const unused = { send: async () => ({}) } as never;
  const outcome = await deliver(message, {
    providers: { email, sms: unused, zalo: unused },
    policy: DEFAULT_RETRY_POLICY,
    enabledChannels: new Set(['email']),
  });
  expect(outcome.kind).toBe('done');
  expect(requests).toHaveLength(1);
  return {
    messageId: message.messageId,
    tags: Object.fromEntries(requests[0]!.EmailTags.map((t) => [t.Name, t.Value])),
  };
}

/** What SES's event destination publishes (event publishing format), delivered raw to the queue. */
async function sesReports(
  kind: 'Bounce' | 'Complaint',
  sesMessageId: string,
  tags: Record<string, string>,
  to: string,
) {
  const mail = {
    timestamp: new Date().toISOString(),
    messageId: sesMessageId,
    source: 'khong-tra-loi@dichvucong.dongnai.gov.vn',
    destination: [to],
    tags: {
      ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, [v]])),
      'ses:configuration-set': ['motcua-dong-nai-email'],
    },
  };
  const event =
    kind === 'Bounce'
      ? {
          eventType: 'Bounce',
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: 'General',
            bouncedRecipients: [{ emailAddress: to, action: 'failed', status: '5.1.1' }],
            timestamp: mail.timestamp,
            feedbackId: crypto.randomUUID(),
          },
          mail,
        }
      : {
          eventType: 'Complaint',
          complaint: {
            complainedRecipients: [{ emailAddress: to }],
            complaintFeedbackType: 'abuse',
            timestamp: mail.timestamp,
            feedbackId: crypto.randomUUID(),
          },
          mail,
        };
  // Queue URLs name fauxqs' virtual host; send to the emulator's endpoint itself.
  const sqs = new SQSClient({ endpoint: process.env.AWS_ENDPOINT_URL_SQS!, useQueueUrlAsEndpoint: false });
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: cloud.resources.queues.get('notifications-email-feedback')!.url,
      MessageBody: JSON.stringify(event),
    }),
  );
  sqs.destroy();
}

const recordOf = async (dossierCode: string, messageId: string) =>
  (await deliveryLog(dossierCode)).find((r) => r.facts.messageId === messageId)!;

describe('SES feedback', () => {
  test('the email carries the dossier and the message in its tags, and is recorded sent', async () => {
    const code = '000.00.15.H19-261207-0101';
    const { messageId, tags } = await sentEmail(code, 'nguoi-dan@example.vn');
    expect(tags.dossier).toBe('000_00_15_H19-261207-0101');
    expect(tags.dossier).toMatch(/^[A-Za-z0-9_-]+$/);
    expect((await recordOf(code, messageId)).state.status).toBe('sent');
  });

  test('a permanent bounce fails the delivery, with the bounce as its reason', async () => {
    const code = '000.00.15.H19-261207-0102';
    const { messageId, tags } = await sentEmail(code, 'khong-ton-tai@example.vn');
    await sesReports('Bounce', 'ses-bounce-1', tags, 'khong-ton-tai@example.vn');
    await cloud.settle();
    const record = await recordOf(code, messageId);
    expect(record.state.status).toBe('failed');
    expect(record.state.lastError).toMatchObject({ class: 'permanent', message: 'SES: bounced (Permanent/General)' });
    expect(record.state.failedAt).toBeDefined();
  });

  test('a complaint fails it too (the address is suppressed by the configuration set)', async () => {
    const code = '000.00.15.H19-261207-0103';
    const { messageId, tags } = await sentEmail(code, 'phan-nan@example.vn');
    await sesReports('Complaint', 'ses-complaint-1', tags, 'phan-nan@example.vn');
    await cloud.settle();
    const record = await recordOf(code, messageId);
    expect(record.state.status).toBe('failed');
    expect(record.state.lastError?.message).toContain('complained (abuse)');
  });

  test('a report for a message already failed, or for mail the context did not send, changes nothing', async () => {
    const code = '000.00.15.H19-261207-0104';
    const { messageId, tags } = await sentEmail(code, 'hai-lan@example.vn');
    await sesReports('Bounce', 'ses-bounce-2', tags, 'hai-lan@example.vn');
    await cloud.settle();
    const first = await recordOf(code, messageId);
    await sesReports('Complaint', 'ses-complaint-2', tags, 'hai-lan@example.vn');
    await sesReports('Bounce', 'ses-operator-test', {}, 'operator@example.vn');
    await cloud.settle();
    expect(await recordOf(code, messageId)).toEqual(first);
    // Nothing was retried into the DLQ: every report was handled.
    const sqs = new SQSClient({ endpoint: process.env.AWS_ENDPOINT_URL_SQS!, useQueueUrlAsEndpoint: false });
    const dlq = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: cloud.resources.queues.get('notifications-email-feedback')!.dlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    expect(Number(dlq.Attributes!.ApproximateNumberOfMessages)).toBe(0);
    sqs.destroy();
  });
});
