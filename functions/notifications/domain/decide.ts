/**
 * Who is told what: turns one event (dossier, payment, document or deadline alert) into the messages to send.
 * Pure and deterministic: the same event always plans the same message ids, so a redelivered event is caught
 * by the delivery log's conditional write instead of reaching the applicant twice.
 */
import type { DossierEventData, DossierEventType, DossierSnapshot } from '#dossiers/events.ts';
import type { PaymentEventData } from '#payments/events.ts';
import type { EventEnvelope } from '#platform/events.ts';
import type { DeadlineAlert } from './alerts.ts';
import { formatDateTime, formatVnd, type Language, truncate } from './format.ts';
import {
  type Audience,
  type NotificationChannel,
  type NotificationEvent,
  selectTemplate,
  TEMPLATES,
  type Template,
  type TemplateVars,
} from './templates.ts';

export interface Consent {
  email: boolean;
  sms: boolean;
  zalo: boolean;
}

export interface Recipient {
  kind: Audience;
  id: string;
  name?: string;
  email?: string;
  phone?: string;
  zaloUserId?: string;
  language: Language;
  consent: Consent;
}

export interface PlannedMessage {
  /** `${eventId}:${recipient.id}:${channel}`: the delivery log's key and the provider's idempotency token. */
  messageId: string;
  eventId: string;
  event: NotificationEvent;
  dossierCode?: string;
  recipient: Recipient;
  channel: NotificationChannel;
  /** Channels to try, in order, if this one fails permanently. */
  fallbackChannels: NotificationChannel[];
  templateId: string;
  templateVersion: number;
  language: Language;
  vars: TemplateVars;
}

/** What the notifications context keeps per person beyond the dossier: opt-outs and a linked Zalo account. */
export interface ApplicantPreferences {
  consent?: Partial<Consent>;
  zaloUserId?: string;
}

export interface PlanningContext {
  /** Officials of an agency to tell about its dossiers (loaded by the caller; planning does no I/O). */
  officialsOf(agencyCode: string): Recipient[];
  portalBaseUrl: string;
  /**
   * The applicant of a dossier as known from earlier dossier events, for events that do not carry contact
   * details (payment events). Without it those events plan nothing. Its id should be `applicantRecipientId`.
   */
  applicantOf?(dossierCode: string): Recipient | undefined;
  /** Opt-outs recorded for a person (by identification number); absent means no opt-out. */
  preferencesOf?(idNumber: string): ApplicantPreferences | undefined;
  templates?: readonly Template[];
}

/** Zalo first (free-ish and read), then SMS, then email; officials work from their mailbox. */
export const CHANNEL_PREFERENCE: Record<Audience, readonly NotificationChannel[]> = {
  applicant: ['zalo', 'sms', 'email'],
  official: ['email', 'sms'],
};

/** The reason a short SMS carries; the full reason goes by email and Zalo. */
export const SMS_REASON_MAX = 50;

export function messageIdFor(eventId: string, recipientId: string, channel: NotificationChannel): string {
  return `${eventId}:${recipientId}:${channel}`;
}

/** One applicant per dossier; the id avoids personal data because it ends up in message ids and logs. */
export function applicantRecipientId(dossierCode: string): string {
  return `applicant:${dossierCode}`;
}

export function dossierLink(portalBaseUrl: string, dossierCode: string): string {
  return `${portalBaseUrl.replace(/\/+$/, '')}/dossiers/${encodeURIComponent(dossierCode)}`;
}

export function paymentLink(portalBaseUrl: string, dossierCode: string): string {
  return `${dossierLink(portalBaseUrl, dossierCode)}/pay`;
}

/** The channels a recipient can be reached on, in preference order, given contact details and consent. */
export function reachableChannels(recipient: Recipient): NotificationChannel[] {
  return CHANNEL_PREFERENCE[recipient.kind].filter((channel) => {
    if (!recipient.consent[channel]) return false;
    if (channel === 'email') return Boolean(recipient.email);
    if (channel === 'sms') return Boolean(recipient.phone);
    // ZNS is addressed by phone number; a linked Zalo user id also works.
    return Boolean(recipient.phone || recipient.zaloUserId);
  });
}

const NO_APPOINTMENT: Record<Language, string> = {
  vi: 'theo thời hạn quy định của thủ tục',
  en: 'within the time limit set for the procedure',
};
const NO_REASON: Record<Language, string> = { vi: 'không nêu lý do', en: 'no reason given' };
const RECEIPT_PENDING: Record<Language, string> = { vi: 'đang được phát hành', en: 'being issued' };
const PREVIOUS_APPOINTMENT_UNKNOWN: Record<Language, string> = {
  vi: 'đã hẹn',
  en: 'previously given',
};
const ANONYMOUS_APPLICANT: Record<Language, string> = { vi: 'Ông/Bà', en: 'applicant' };
const HOW_TO_COLLECT: Record<DossierSnapshot['resultDelivery'], Record<Language, string>> = {
  online: { vi: 'trực tuyến trên Cổng dịch vụ công', en: 'online, on the public service portal' },
  counter: { vi: 'trực tiếp tại Bộ phận Một cửa', en: 'in person, at the one-stop desk' },
  post: { vi: 'qua dịch vụ bưu chính công ích', en: 'by post' },
};

type VarsFor = (language: Language) => TemplateVars;

interface Audiences {
  event: NotificationEvent;
  dossierCode?: string;
  applicant?: { recipient: Recipient; vars: VarsFor };
  officials?: { recipients: Recipient[]; vars: VarsFor };
}

const APPLICANT_EVENTS: Partial<Record<DossierEventType, NotificationEvent>> = {
  'dossier.submitted': 'dossier.submitted',
  'dossier.received': 'dossier.received',
  'dossier.supplement_requested': 'dossier.supplement_requested',
  'dossier.payment_requested': 'dossier.payment_requested',
  'dossier.resolved': 'dossier.resolved',
  'dossier.returned': 'dossier.returned',
  'dossier.rejected': 'dossier.rejected',
  'dossier.stopped': 'dossier.stopped',
  'dossier.apologized': 'dossier.apologized',
  'dossier.withdrawn': 'dossier.withdrawn',
};

const OFFICIAL_EVENTS: Partial<Record<DossierEventType, NotificationEvent>> = {
  'dossier.submitted': 'dossier.submitted',
  'dossier.supplemented': 'dossier.supplemented',
};

function applicantFromSnapshot(dossier: DossierSnapshot, ctx: PlanningContext): Recipient {
  const { applicant } = dossier;
  const preferences = ctx.preferencesOf?.(applicant.idNumber);
  const recipient: Recipient = {
    kind: 'applicant',
    id: applicantRecipientId(dossier.code),
    name: applicant.fullName,
    language: applicant.language ?? 'vi',
    // Contact details given on the dossier are given to be told about it; recorded opt-outs win.
    consent: { email: true, sms: true, zalo: true, ...preferences?.consent },
  };
  if (applicant.email) recipient.email = applicant.email;
  if (applicant.phone) recipient.phone = applicant.phone;
  if (preferences?.zaloUserId) recipient.zaloUserId = preferences.zaloUserId;
  return recipient;
}

function reasonOf(data: DossierEventData): string | undefined {
  const supplementReason =
    data.entry.to === 'supplement_requested' ? data.dossier.supplements.at(-1)?.reason : undefined;
  return data.details?.reason ?? data.entry.reason ?? supplementReason ?? data.entry.note;
}

function dossierVars(type: DossierEventType, data: DossierEventData, ctx: PlanningContext): VarsFor {
  const { dossier, details } = data;
  return (language) => {
    const vars: TemplateVars = {
      code: dossier.code,
      procedureName: dossier.procedureName,
      applicantName: dossier.applicant.fullName || ANONYMOUS_APPLICANT[language],
      link: dossierLink(ctx.portalBaseUrl, dossier.code),
      appointment: dossier.appointmentAt ? formatDateTime(dossier.appointmentAt, language) : NO_APPOINTMENT[language],
    };
    const reason = reasonOf(data)?.trim() || NO_REASON[language];
    vars.reason = reason;
    vars.reasonShort = truncate(reason, SMS_REASON_MAX);
    if (type === 'dossier.payment_requested') {
      vars.amount = formatVnd(details?.amount ?? dossier.feeTotal, language);
      vars.link = paymentLink(ctx.portalBaseUrl, dossier.code);
    }
    if (type === 'dossier.resolved') vars.howToCollect = HOW_TO_COLLECT[dossier.resultDelivery][language];
    if (type === 'dossier.apologized') {
      const newAt = details?.newAppointmentAt ?? dossier.appointmentAt;
      const previousAt = details?.previousAppointmentAt ?? dossier.previousAppointments.at(-1);
      vars.newAppointment = newAt ? formatDateTime(newAt, language) : NO_APPOINTMENT[language];
      vars.previousAppointment = previousAt
        ? formatDateTime(previousAt, language)
        : PREVIOUS_APPOINTMENT_UNKNOWN[language];
    }
    return vars;
  };
}

function dossierAudiences(event: EventEnvelope<DossierEventData>, ctx: PlanningContext): Audiences | undefined {
  const type = event.type as DossierEventType;
  const applicantEvent = APPLICANT_EVENTS[type];
  const officialEvent = OFFICIAL_EVENTS[type];
  if (applicantEvent === undefined && officialEvent === undefined) return undefined;
  const { dossier } = event.data;
  const vars = dossierVars(type, event.data, ctx);
  const audiences: Audiences = { event: (applicantEvent ?? officialEvent)!, dossierCode: dossier.code };
  if (applicantEvent !== undefined) audiences.applicant = { recipient: applicantFromSnapshot(dossier, ctx), vars };
  if (officialEvent !== undefined) {
    audiences.officials = { recipients: ctx.officialsOf(dossier.currentAgencyCode), vars };
  }
  return audiences;
}

function paymentAudiences(event: EventEnvelope<PaymentEventData>, ctx: PlanningContext): Audiences | undefined {
  if (event.type !== 'payment.completed') return undefined;
  const payment = event.data;
  const recipient = ctx.applicantOf?.(payment.dossierCode);
  if (recipient === undefined) return undefined;
  const vars: VarsFor = (language) => ({
    code: payment.dossierCode,
    applicantName: recipient.name || ANONYMOUS_APPLICANT[language],
    amount: formatVnd(payment.amount, language),
    receiptNumber: payment.receipt?.number ?? RECEIPT_PENDING[language],
    link: dossierLink(ctx.portalBaseUrl, payment.dossierCode),
  });
  return { event: 'payment.completed', dossierCode: payment.dossierCode, applicant: { recipient, vars } };
}

function alertAudiences(event: EventEnvelope<DeadlineAlert>, ctx: PlanningContext): Audiences | undefined {
  if (event.type !== 'alert.due_soon' && event.type !== 'alert.overdue') return undefined;
  const alert = event.data;
  const vars: VarsFor = (language) => ({
    code: alert.dossierCode,
    appointment: formatDateTime(alert.appointmentAt, language),
    link: dossierLink(ctx.portalBaseUrl, alert.dossierCode),
  });
  return {
    event: event.type,
    dossierCode: alert.dossierCode,
    officials: { recipients: ctx.officialsOf(alert.agencyCode), vars },
  };
}

function audiencesOf(event: EventEnvelope, ctx: PlanningContext): Audiences | undefined {
  if (event.type.startsWith('dossier.')) return dossierAudiences(event as EventEnvelope<DossierEventData>, ctx);
  if (event.type.startsWith('payment.')) return paymentAudiences(event as EventEnvelope<PaymentEventData>, ctx);
  if (event.type.startsWith('alert.')) return alertAudiences(event as EventEnvelope<DeadlineAlert>, ctx);
  // Document events concern no one directly: a signed result is announced by `dossier.resolved`.
  return undefined;
}

/** The recipient's language if the catalog speaks it for this notice, else Vietnamese. */
function languageFor(templates: readonly Template[], event: NotificationEvent, recipient: Recipient): Language {
  const speaks = (language: Language) =>
    templates.some((t) => t.event === event && t.audience === recipient.kind && t.language === language);
  return speaks(recipient.language) ? recipient.language : 'vi';
}

function planFor(
  eventId: string,
  audiences: Audiences,
  recipient: Recipient,
  varsFor: VarsFor,
  templates: readonly Template[],
): PlannedMessage | undefined {
  const language = languageFor(templates, audiences.event, recipient);
  const channels = reachableChannels(recipient).filter(
    (channel) =>
      selectTemplate(templates, { event: audiences.event, audience: recipient.kind, channel, language }) !== undefined,
  );
  const [channel, ...fallbackChannels] = channels;
  if (channel === undefined) return undefined;
  const template = selectTemplate(templates, { event: audiences.event, audience: recipient.kind, channel, language })!;
  const planned: PlannedMessage = {
    messageId: messageIdFor(eventId, recipient.id, channel),
    eventId,
    event: audiences.event,
    recipient,
    channel,
    fallbackChannels,
    templateId: template.id,
    templateVersion: template.version,
    language,
    vars: varsFor(language),
  };
  if (audiences.dossierCode !== undefined) planned.dossierCode = audiences.dossierCode;
  return planned;
}

/**
 * The messages an event calls for: at most one per recipient (its primary channel, with ordered fallbacks).
 * Events that concern no one plan nothing.
 */
export function planNotifications(event: EventEnvelope, ctx: PlanningContext): PlannedMessage[] {
  const audiences = audiencesOf(event, ctx);
  if (audiences === undefined) return [];
  const templates = ctx.templates ?? TEMPLATES;
  const messages: PlannedMessage[] = [];
  const seen = new Set<string>();
  const add = (recipient: Recipient, vars: VarsFor) => {
    if (seen.has(recipient.id)) return;
    seen.add(recipient.id);
    const planned = planFor(event.id, audiences, recipient, vars, templates);
    if (planned !== undefined) messages.push(planned);
  };
  if (audiences.applicant) add(audiences.applicant.recipient, audiences.applicant.vars);
  if (audiences.officials) {
    for (const official of audiences.officials.recipients) add(official, audiences.officials.vars);
  }
  return messages;
}

/**
 * The message that replaces one whose channel failed permanently: the next fallback channel, same event,
 * language and values, its own deterministic id. Undefined when no fallback is left.
 */
export function planFallback(
  message: PlannedMessage,
  templates: readonly Template[] = TEMPLATES,
): PlannedMessage | undefined {
  const remaining = [...message.fallbackChannels];
  while (remaining.length > 0) {
    const channel = remaining.shift()!;
    const template = selectTemplate(templates, {
      event: message.event,
      audience: message.recipient.kind,
      channel,
      language: message.language,
    });
    if (template === undefined) continue;
    return {
      ...message,
      messageId: messageIdFor(message.eventId, message.recipient.id, channel),
      channel,
      fallbackChannels: remaining,
      templateId: template.id,
      templateVersion: template.version,
    };
  }
  return undefined;
}
