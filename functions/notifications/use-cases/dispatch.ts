/**
 * From an event to messages sent: plan (pure, `planNotifications`), record each message before sending it
 * (conditional put on its deterministic id), send through the channel's provider, record the outcome, and
 * fall back to the next channel when one fails for good.
 *
 * Retries: a message that failed temporarily stays queued with `nextAttemptAt`; the event's queue message is
 * made visible again after that delay (ChangeMessageVisibility) and failed, so SQS redelivers the event and
 * the planning yields the same message ids: what was sent is skipped, what is queued is tried again. A
 * message that no channel can deliver fails the event on every receive until the queue's `maxReceiveCount`
 * moves it to the DLQ; other events (and the other messages of the same event, already sent) are not held up.
 */
import type { DossierEventData } from '#dossiers/events.ts';
import { now } from '#platform/clock.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { logger } from '#platform/observability.ts';
import { provinceFromEnv } from '#platform/province.ts';
import type { ChannelProviders, ProviderReceipt } from '../channels/provider.ts';
import {
  applicantRecipientId,
  type PlannedMessage,
  type PlanningContext,
  planFallback,
  planNotifications,
  type Recipient,
} from '../domain/decide.ts';
import {
  type DeliveryState,
  newDeliveryState,
  onDeliveryReport,
  onSendResult,
  ProviderError,
  type RetryPolicy,
  type SendResult,
} from '../domain/delivery.ts';
import {
  getTemplate,
  NOTIFICATION_CHANNELS,
  type NotificationChannel,
  type RenderedMessage,
  renderTemplate,
  TEMPLATES,
  type Template,
} from '../domain/templates.ts';
import {
  applyDossierEvent,
  claimDelivery,
  type DossierView,
  getDossier,
  type MessageFacts,
  saveDelivery,
} from '../store.ts';
import { activeOfficialsOf } from './directory.ts';

export interface Dispatcher {
  providers: ChannelProviders;
  policy: RetryPolicy;
  enabledChannels: ReadonlySet<NotificationChannel>;
  templates?: readonly Template[];
  random?: () => number;
  /** How long a send may hold a message before another receive may try it (longer than any provider call). */
  leaseMs?: number;
}

/** The consumer's timeout: by then the holder of a lease has finished or died. */
const DEFAULT_LEASE_MS = 30_000;

export type MessageOutcome =
  | { kind: 'done'; messageId: string }
  | { kind: 'retry'; messageId: string; inMs: number }
  | { kind: 'undeliverable'; messageId: string };

export interface EventOutcome {
  planned: number;
  /** The shortest wait before a queued message may be tried again, when one is waiting. */
  retryInMs?: number;
  /** Messages (last channel tried) that no channel could deliver. */
  undeliverable: string[];
}

/** Thrown when an event refers to a dossier this context has not heard of yet (its events may still be on the way). */
export class UnknownDossierError extends Error {
  constructor(code: string) {
    super(`No read model yet for dossier ${code}; retrying later`);
    this.name = 'UnknownDossierError';
  }
}

/** Events that tell officials (their directory is only read for these). */
const OFFICIAL_NOTICES = new Set(['dossier.submitted', 'dossier.supplemented', 'alert.due_soon', 'alert.overdue']);

function agencyToTell(event: EventEnvelope): string | undefined {
  if (!OFFICIAL_NOTICES.has(event.type)) return undefined;
  if (event.type.startsWith('dossier.')) return (event.data as DossierEventData).dossier.currentAgencyCode;
  return (event.data as { agencyCode?: string }).agencyCode;
}

function disabledChannels(enabled: ReadonlySet<NotificationChannel>) {
  return Object.fromEntries(NOTIFICATION_CHANNELS.filter((c) => !enabled.has(c)).map((c) => [c, false]));
}

/** The applicant of a dossier as the read model knows them (payment events carry no contact details). */
export function applicantFromView(view: DossierView, enabled: ReadonlySet<NotificationChannel>): Recipient {
  const recipient: Recipient = {
    kind: 'applicant',
    id: applicantRecipientId(view.code),
    name: view.applicant.fullName,
    language: view.applicant.language,
    consent: { email: enabled.has('email'), sms: enabled.has('sms'), zalo: enabled.has('zalo') },
  };
  if (view.applicant.email) recipient.email = view.applicant.email;
  if (view.applicant.phone) recipient.phone = view.applicant.phone;
  return recipient;
}

async function planningContextFor(event: EventEnvelope, d: Dispatcher): Promise<PlanningContext> {
  const agency = agencyToTell(event);
  const officials = agency === undefined ? [] : await activeOfficialsOf(agency, d.enabledChannels);
  let applicant: Recipient | undefined;
  if (event.type === 'payment.completed') {
    const code = (event.data as { dossierCode: string }).dossierCode;
    const view = await getDossier(code);
    if (view === undefined) throw new UnknownDossierError(code);
    applicant = applicantFromView(view, d.enabledChannels);
  }
  const consent = disabledChannels(d.enabledChannels);
  return {
    officialsOf: (code) => (code === agency ? officials : []),
    portalBaseUrl: provinceFromEnv().portalUrl,
    applicantOf: (code) => (applicant?.id === applicantRecipientId(code) ? applicant : undefined),
    preferencesOf: () => ({ consent }),
    templates: d.templates ?? TEMPLATES,
  };
}

/** Updates the read models, plans the event's messages and delivers each one. */
export async function handleNotificationEvent(event: EventEnvelope, d: Dispatcher): Promise<EventOutcome> {
  if (event.type.startsWith('dossier.')) await applyDossierEvent(event as EventEnvelope<DossierEventData>);
  const messages = planNotifications(event, await planningContextFor(event, d));
  const outcomes = await Promise.all(messages.map((message) => deliver(message, d)));
  const retries = outcomes.flatMap((o) => (o.kind === 'retry' ? [o.inMs] : []));
  const outcome: EventOutcome = {
    planned: messages.length,
    undeliverable: outcomes.flatMap((o) => (o.kind === 'undeliverable' ? [o.messageId] : [])),
  };
  if (retries.length > 0) outcome.retryInMs = Math.min(...retries);
  return outcome;
}

/** The address a channel reaches the recipient at (ZNS is addressed by phone number). */
export function addressOf(message: PlannedMessage): string {
  const { recipient, channel } = message;
  if (channel === 'email') return recipient.email ?? '';
  if (channel === 'sms') return recipient.phone ?? '';
  return recipient.phone ?? recipient.zaloUserId ?? '';
}

function factsOf(message: PlannedMessage, fallbackOf: string | undefined): MessageFacts {
  const facts: MessageFacts = {
    messageId: message.messageId,
    eventId: message.eventId,
    event: message.event,
    audience: message.recipient.kind,
    recipient: message.recipient.kind === 'applicant' ? 'applicant' : message.recipient.id.replace(/^official:/, ''),
    channel: message.channel,
    to: addressOf(message),
    templateId: message.templateId,
    templateVersion: message.templateVersion,
    language: message.language,
  };
  if (message.dossierCode !== undefined) facts.dossierCode = message.dossierCode;
  if (fallbackOf !== undefined) facts.fallbackOf = fallbackOf;
  return facts;
}

async function attempt(
  message: PlannedMessage,
  d: Dispatcher,
): Promise<{ result: SendResult; receipt?: ProviderReceipt }> {
  const template = getTemplate(d.templates ?? TEMPLATES, message.templateId, message.templateVersion);
  let rendered: RenderedMessage;
  try {
    if (template === undefined) throw new Error(`Template ${message.templateId} v${message.templateVersion} is gone`);
    rendered = renderTemplate(template, message.vars);
  } catch (cause) {
    // A text with holes is never sent; no retry fills them, but another channel's template may fit.
    const error = new ProviderError((cause as Error).message, { errorClass: 'permanent', code: 'template', cause });
    return { result: { ok: false, error } };
  }
  try {
    const receipt = await d.providers[message.channel].send({
      messageId: message.messageId,
      channel: message.channel,
      to: addressOf(message),
      ...(message.dossierCode === undefined ? {} : { dossierCode: message.dossierCode }),
      rendered,
    });
    const result: SendResult =
      receipt.providerMessageId === undefined
        ? { ok: true }
        : { ok: true, providerMessageId: receipt.providerMessageId };
    return { result, receipt };
  } catch (error) {
    return { result: { ok: false, error } };
  }
}

/**
 * Delivers one planned message at most once, falling back channel by channel. Safe to call again for the
 * same message (a redelivered event): what is recorded decides what, if anything, is left to do.
 */
export async function deliver(message: PlannedMessage, d: Dispatcher): Promise<MessageOutcome> {
  const templates = d.templates ?? TEMPLATES;
  let current = message;
  let fallbackOf: string | undefined;
  for (;;) {
    const at = now();
    const facts = factsOf(current, fallbackOf);
    const claim = await claimDelivery(
      { facts, state: newDeliveryState(current.messageId, current.channel, at) },
      at,
      d.leaseMs ?? DEFAULT_LEASE_MS,
    );
    let state: DeliveryState = claim.record.state;
    let fallBack = state.status === 'failed';
    if (claim.leased) {
      const { result, receipt } = await attempt(current, d);
      const sentAt = now();
      const outcome = onSendResult(state, result, sentAt, {
        policy: d.policy,
        ...(d.random === undefined ? {} : { random: d.random }),
      });
      const previousAttempts = state.attempts;
      state = outcome.state;
      if (receipt?.delivered) state = onDeliveryReport(state, { outcome: 'delivered' }, sentAt).state;
      await saveDelivery({ facts, state }, previousAttempts);
      logger.info('notification attempt', {
        messageId: current.messageId,
        channel: current.channel,
        status: state.status,
        attempts: state.attempts,
        ...(state.lastError ? { errorClass: state.lastError.class } : {}),
      });
      if (outcome.retryInMs !== undefined)
        return { kind: 'retry', messageId: current.messageId, inMs: outcome.retryInMs };
      fallBack = outcome.fallBack;
    } else if (state.status === 'queued') {
      // Another receive holds it (or died holding it): look again once its lease has run out.
      const leaseUntil = Date.parse(claim.leaseUntil ?? '');
      const inMs = Number.isNaN(leaseUntil) ? 1_000 : Math.max(1_000, leaseUntil - at.getTime());
      return { kind: 'retry', messageId: current.messageId, inMs };
    }
    if (!fallBack) return { kind: 'done', messageId: current.messageId };
    const next = planFallback(current, templates);
    if (next === undefined) return { kind: 'undeliverable', messageId: current.messageId };
    fallbackOf = current.messageId;
    current = next;
  }
}
