/**
 * What SES reports after accepting an email: a bounce (the address does not exist, the mailbox refuses it, or the
 * address is on the suppression list) or a complaint (the recipient marked it as spam). The configuration set
 * suppresses both addresses for later sends; here the message's delivery record fails, so the dossier's delivery
 * log shows it and the failure counts in the notification failure rate. The record is found by the tags the email
 * was sent with (the dossier, and the hash of the message id: channels/ses.ts).
 */
import * as z from 'zod';
import { logger } from '#platform/observability.ts';
import { dossierOfTag, emailTag } from '../channels/ses.ts';
import { onDeliveryReport } from '../domain/delivery.ts';
import { deliveryLog, saveDeliveryReport } from '../store.ts';

const tags = z.record(z.string(), z.array(z.string())).optional();

/** The SES event (configuration set event publishing, `eventType`; identity notifications say `notificationType`). */
export const sesFeedbackSchema = z
  .object({
    eventType: z.enum(['Bounce', 'Complaint']).optional(),
    notificationType: z.enum(['Bounce', 'Complaint']).optional(),
    bounce: z.object({ bounceType: z.string(), bounceSubType: z.string().optional() }).loose().optional(),
    complaint: z.object({ complaintFeedbackType: z.string().optional() }).loose().optional(),
    mail: z.object({ messageId: z.string(), tags }).loose(),
  })
  .loose()
  .refine((e) => (e.eventType ?? e.notificationType) !== undefined, {
    message: 'neither eventType nor notificationType',
  });
export type SesFeedback = z.infer<typeof sesFeedbackSchema>;

export type FeedbackOutcome = 'failed' | 'already-final' | 'unmatched';

/** Why the message failed, as the delivery log shows it (no address: it is in the record already). */
export function feedbackReason(event: SesFeedback): string {
  if ((event.eventType ?? event.notificationType) === 'Complaint') {
    return `SES: the recipient complained (${event.complaint?.complaintFeedbackType ?? 'no feedback type'}); the address is suppressed`;
  }
  const sub = event.bounce?.bounceSubType ? `/${event.bounce.bounceSubType}` : '';
  return `SES: bounced (${event.bounce?.bounceType ?? 'unknown'}${sub})`;
}

const MAX_RACES = 3;

export async function applyEmailFeedback(event: SesFeedback, at: Date): Promise<FeedbackOutcome> {
  const kind = event.eventType ?? event.notificationType;
  const dossier = event.mail.tags?.dossier?.[0];
  const message = event.mail.tags?.message?.[0];
  if (dossier === undefined || message === undefined) {
    // Not sent by the notifications context with its tags (an operator's test mail, say): nothing to mark.
    logger.info('email feedback', { status: 'unmatched', kind, sesMessageId: event.mail.messageId });
    return 'unmatched';
  }
  const dossierCode = dossierOfTag(dossier);
  for (let race = 0; race < MAX_RACES; race++) {
    const record = (await deliveryLog(dossierCode)).find(
      (r) => r.facts.channel === 'email' && emailTag(r.facts.messageId) === message,
    );
    if (!record) {
      logger.info('email feedback', { status: 'unmatched', kind, dossierCode, sesMessageId: event.mail.messageId });
      return 'unmatched';
    }
    const previous = record.state.status;
    const { state } = onDeliveryReport(record.state, { outcome: 'failed', reason: feedbackReason(event) }, at);
    if (state.status === previous) {
      logger.info('email feedback', { status: 'already-final', kind, dossierCode, messageId: record.facts.messageId });
      return 'already-final';
    }
    if (await saveDeliveryReport({ facts: record.facts, state }, previous)) {
      logger.info('email feedback', { status: 'failed', kind, dossierCode, messageId: record.facts.messageId });
      return 'failed';
    }
    // The send's own result was written meanwhile: read the record again.
  }
  throw new Error(`The delivery record of an email of ${dossierCode} kept changing; the queue retries`);
}
