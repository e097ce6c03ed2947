/**
 * The only code that touches the notifications table. Single-table design:
 *
 * | item                         | pk                  | sk                   | gsi1pk / gsi1sk                 | gsi2pk / gsi2sk      |
 * |------------------------------|---------------------|----------------------|---------------------------------|----------------------|
 * | dossier (read model)         | DOSSIER#<code>      | DOSSIER              | OPEN / <appointment UTC>#<code> | —                    |
 * | delivery record (one message)| DOSSIER#<code>      | MESSAGE#<messageId>  | —                               | —                    |
 * | official (directory)         | OFFICIAL#<sub>      | OFFICIAL             | —                               | AGENCY#<code> / <sub>|
 * | deadline alert sent          | ALERT#<key>         | ALERT                | —                               | —                    |
 * | calendar year (read model)   | CALENDAR#<year>     | CALENDAR             | —                               | —                    |
 * | dev outbox message (local)   | DEVOUTBOX           | <sentAt>#<uuid>      | —                               | —                    |
 * | dev channel failure (local)  | DEVFAILURE          | <channel>            | —                               | —                    |
 * | outbox event (alerts)        | OUTBOX#<id>         | OUTBOX               | —                               | —                    |
 *
 * gsi1 is sparse: a dossier is in it only while its clock runs (ALERTED_STATUSES) with an appointment date and
 * its overdue alert for that date is not yet sent, so the deadline schedule reads what needs attention and
 * never the whole history. A dossier's delivery records share its partition with the read model, so the
 * delivery log and its agency check are one partition.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CalendarYear } from '#calendar/calendar.ts';
import type { DossierEventData } from '#dossiers/events.ts';
import { dynamoDocumentClient } from '#platform/aws.ts';
import {
  conditionFailed,
  isConditionalCheckFailed,
  type TransactItem,
  transactWrite,
  ttlAfterDays,
} from '#platform/dynamo.ts';
import { tableName } from '#platform/env.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { outboxPut } from '#platform/outbox.ts';
import type { DevOutboxMessage, FailureMode, Official } from './api/schemas.ts';
import { ALERTED_STATUSES, type AlertEnvelope, type DeadlineAlert } from './domain/alerts.ts';
import type { DeliveryState } from './domain/delivery.ts';
import type { Audience, Language, NotificationChannel } from './domain/templates.ts';

/** Physical name of the table (read at call time: the local runtime sets it after import). */
export const notificationsTableName = (): string => tableName('notifications');

const client = () => dynamoDocumentClient();

const OPEN_LIST = 'OPEN';
const DEV_OUTBOX_PK = 'DEVOUTBOX';
const DEV_FAILURE_PK = 'DEVFAILURE';
const DEV_RETENTION_DAYS = 7;
/** Rows the deadline schedule reads per run at most; more means alerts are far behind (logged by the caller). */
export const MAX_OPEN_DOSSIERS_PER_RUN = 5_000;

const dossierKey = (code: string) => ({ pk: `DOSSIER#${code}`, sk: 'DOSSIER' });
const messageKey = (dossierCode: string | undefined, messageId: string) => ({
  pk: `DOSSIER#${dossierCode ?? '-'}`,
  sk: `MESSAGE#${messageId}`,
});
const officialKey = (sub: string) => ({ pk: `OFFICIAL#${sub}`, sk: 'OFFICIAL' });
const alertItemKey = (key: string) => ({ pk: `ALERT#${key}`, sk: 'ALERT' });
const calendarKey = (year: number) => ({ pk: `CALENDAR#${year}`, sk: 'CALENDAR' });

async function queryAll(input: Omit<QueryCommandInput, 'TableName'>, cap = Number.POSITIVE_INFINITY) {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client().send(
      new QueryCommand({ ...input, TableName: notificationsTableName(), ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < cap);
  return { items, truncated: startKey !== undefined };
}

// ---------------------------------------------------------------------------------------------------------
// Dossier read model: the applicant's contact details (for payment events, which carry none), the agencies
// (for the delivery log's access check) and the appointment date (for deadline alerts).

export interface DossierView {
  code: string;
  agencyCode: string;
  currentAgencyCode: string;
  status: string;
  appointmentAt?: string;
  sequence: number;
  applicant: { fullName: string; phone?: string; email?: string; language: Language };
  /** Deadline alert keys already sent for this dossier. */
  alertKeys: string[];
}

function dossierView(item: Record<string, unknown>): DossierView {
  const view: DossierView = {
    code: String(item.code),
    agencyCode: String(item.agencyCode),
    currentAgencyCode: String(item.currentAgencyCode),
    status: String(item.status),
    sequence: Number(item.sequence),
    applicant: item.applicant as DossierView['applicant'],
    alertKeys: item.alertKeys instanceof Set ? [...(item.alertKeys as Set<string>)] : [],
  };
  if (typeof item.appointmentAt === 'string') view.appointmentAt = item.appointmentAt;
  return view;
}

export async function getDossier(code: string): Promise<DossierView | undefined> {
  const out = await client().send(
    new GetCommand({ TableName: notificationsTableName(), Key: dossierKey(code), ConsistentRead: true }),
  );
  return out.Item ? dossierView(out.Item) : undefined;
}

/**
 * Applies a dossier event to the read model unless a newer (or the same) version is already there: events
 * of one dossier can arrive out of order, and the newest snapshot wins. Returns false for a stale event.
 */
export async function applyDossierEvent(event: EventEnvelope<DossierEventData>): Promise<boolean> {
  const { dossier } = event.data;
  const applicant: DossierView['applicant'] = {
    fullName: dossier.applicant.fullName,
    language: dossier.applicant.language ?? 'vi',
  };
  if (dossier.applicant.phone) applicant.phone = dossier.applicant.phone;
  if (dossier.applicant.email) applicant.email = dossier.applicant.email;
  const open = ALERTED_STATUSES.has(dossier.status) && dossier.appointmentAt !== undefined;
  const values: Record<string, unknown> = {
    ':code': dossier.code,
    ':agency': dossier.agencyCode,
    ':current': dossier.currentAgencyCode,
    ':status': dossier.status,
    ':sequence': event.sequence,
    ':applicant': applicant,
    ':updatedAt': event.occurredAt,
  };
  const set = [
    'code = :code',
    'agencyCode = :agency',
    'currentAgencyCode = :current',
    '#status = :status',
    '#sequence = :sequence',
    'applicant = :applicant',
    'updatedAt = :updatedAt',
  ];
  const remove: string[] = [];
  if (dossier.appointmentAt !== undefined) {
    set.push('appointmentAt = :appointment');
    values[':appointment'] = dossier.appointmentAt;
  } else {
    remove.push('appointmentAt');
  }
  if (open) {
    set.push('gsi1pk = :open', 'gsi1sk = :openSort');
    values[':open'] = OPEN_LIST;
    values[':openSort'] = openSortKey(dossier.appointmentAt!, dossier.code);
  } else {
    remove.push('gsi1pk', 'gsi1sk');
  }
  try {
    await client().send(
      new UpdateCommand({
        TableName: notificationsTableName(),
        Key: dossierKey(dossier.code),
        UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_not_exists(pk) OR #sequence < :sequence',
        ExpressionAttributeNames: { '#status': 'status', '#sequence': 'sequence' },
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** Appointment dates sort as UTC instants whatever offset the event wrote them with. */
function openSortKey(appointmentAt: string, code: string): string {
  return `${new Date(appointmentAt).toISOString()}#${code}`;
}

/**
 * Open dossiers due before `horizon` (overdue ones included), oldest appointment first, from the sparse
 * index: one bounded Query, never a Scan.
 */
export async function openDossiersDueBefore(horizon: Date): Promise<{ dossiers: DossierView[]; truncated: boolean }> {
  const { items, truncated } = await queryAll(
    {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :open AND gsi1sk <= :bound',
      ExpressionAttributeValues: { ':open': OPEN_LIST, ':bound': `${horizon.toISOString()}#\uffff` },
    },
    MAX_OPEN_DOSSIERS_PER_RUN,
  );
  return { dossiers: items.map(dossierView), truncated };
}

/**
 * Records a deadline alert once: the alert key (conditional put), the key on the dossier (conditional on the
 * appointment date still being the one alerted about) and the alert event in the outbox, in one transaction.
 * An overdue alert also takes the dossier out of the open index: nothing is left to tell about that date.
 * Returns false when the alert was already recorded or the appointment moved meanwhile.
 */
export async function recordDeadlineAlert(alert: DeadlineAlert, event: AlertEnvelope, at: Date): Promise<boolean> {
  const table = notificationsTableName();
  const alertPut: TransactItem = {
    Put: {
      TableName: table,
      Item: { ...alertItemKey(alert.key), ...alert, sentAt: at.toISOString() },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
  const dossierMark: TransactItem = {
    Update: {
      TableName: table,
      Key: dossierKey(alert.dossierCode),
      UpdateExpression: `ADD alertKeys :key${alert.kind === 'overdue' ? ' REMOVE gsi1pk, gsi1sk' : ''}`,
      ConditionExpression: 'appointmentAt = :appointment',
      ExpressionAttributeValues: { ':key': new Set([alert.key]), ':appointment': alert.appointmentAt },
    },
  };
  try {
    await transactWrite([alertPut, dossierMark, outboxPut(table, event)]);
    return true;
  } catch (error) {
    // Already sent, or the appointment moved since the alert was decided: not sent now.
    if (conditionFailed(error, alertPut, dossierMark)) return false;
    throw error;
  }
}

/** Takes a dossier whose overdue alert was already sent out of the open index (if its date is unchanged). */
export async function closeAlerted(code: string, appointmentAt: string): Promise<void> {
  try {
    await client().send(
      new UpdateCommand({
        TableName: notificationsTableName(),
        Key: dossierKey(code),
        UpdateExpression: 'REMOVE gsi1pk, gsi1sk',
        ConditionExpression: 'appointmentAt = :appointment',
        ExpressionAttributeValues: { ':appointment': appointmentAt },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Delivery records: one per planned message, written before the provider is called.

/** What the delivery log shows about a message besides its state. */
export interface MessageFacts {
  messageId: string;
  eventId: string;
  event: string;
  dossierCode?: string;
  audience: Audience;
  recipient: string;
  channel: NotificationChannel;
  to: string;
  templateId: string;
  templateVersion: number;
  language: Language;
  fallbackOf?: string;
}

export interface DeliveryRecord {
  facts: MessageFacts;
  state: DeliveryState;
}

function recordItem(record: DeliveryRecord, leaseUntil?: string): Record<string, unknown> {
  const { facts, state } = record;
  return {
    ...messageKey(facts.dossierCode, facts.messageId),
    ...facts,
    ...state,
    ...(leaseUntil === undefined ? {} : { leaseUntil }),
  };
}

function deliveryRecord(item: Record<string, unknown>): DeliveryRecord & { leaseUntil?: string } {
  const facts: MessageFacts = {
    messageId: String(item.messageId),
    eventId: String(item.eventId),
    event: String(item.event),
    audience: item.audience as Audience,
    recipient: String(item.recipient),
    channel: item.channel as NotificationChannel,
    to: String(item.to),
    templateId: String(item.templateId),
    templateVersion: Number(item.templateVersion),
    language: item.language as Language,
  };
  if (typeof item.dossierCode === 'string') facts.dossierCode = item.dossierCode;
  if (typeof item.fallbackOf === 'string') facts.fallbackOf = item.fallbackOf;
  const state: DeliveryState = {
    messageId: String(item.messageId),
    channel: item.channel as NotificationChannel,
    status: item.status as DeliveryState['status'],
    attempts: Number(item.attempts),
    queuedAt: String(item.queuedAt),
  };
  for (const field of [
    'lastAttemptAt',
    'nextAttemptAt',
    'providerMessageId',
    'sentAt',
    'deliveredAt',
    'failedAt',
  ] as const) {
    if (typeof item[field] === 'string') state[field] = item[field] as string;
  }
  if (item.lastError !== undefined) state.lastError = item.lastError as DeliveryState['lastError'];
  return { facts, state, ...(typeof item.leaseUntil === 'string' ? { leaseUntil: item.leaseUntil } : {}) };
}

export type Claim =
  /** The caller holds the message: send it, then `saveDelivery`. */
  | { leased: true; record: DeliveryRecord }
  /** Already sent/failed, or another invocation is sending it right now. */
  | { leased: false; record: DeliveryRecord; leaseUntil?: string };

/**
 * Records a message as queued (conditional put on its id) and leases it for one send. If it is already
 * recorded, leases it only when still queued and nobody else holds a live lease: a redelivered event, or two
 * copies of it processed at once, never send the same message twice; a sender that died mid-send leaves a
 * lease that expires, so the message is not stuck either.
 */
export async function claimDelivery(record: DeliveryRecord, at: Date, leaseMs: number): Promise<Claim> {
  const leaseUntil = new Date(at.getTime() + leaseMs).toISOString();
  const key = messageKey(record.facts.dossierCode, record.facts.messageId);
  try {
    await client().send(
      new PutCommand({
        TableName: notificationsTableName(),
        Item: recordItem(record, leaseUntil),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { leased: true, record };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
  try {
    const out = await client().send(
      new UpdateCommand({
        TableName: notificationsTableName(),
        Key: key,
        UpdateExpression: 'SET leaseUntil = :until',
        ConditionExpression: '#status = :queued AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':until': leaseUntil, ':queued': 'queued', ':now': at.toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const { leaseUntil: _lease, ...current } = deliveryRecord(out.Attributes ?? {});
    return { leased: true, record: current };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
  const existing = await client().send(
    new GetCommand({ TableName: notificationsTableName(), Key: key, ConsistentRead: true }),
  );
  const { leaseUntil: held, ...current } = deliveryRecord(existing.Item ?? recordItem(record));
  return { leased: false, record: current, ...(held === undefined ? {} : { leaseUntil: held }) };
}

/** Writes the outcome of a send over the leased record and releases the lease. */
export async function saveDelivery(record: DeliveryRecord, previousAttempts: number): Promise<void> {
  try {
    await client().send(
      new PutCommand({
        TableName: notificationsTableName(),
        Item: recordItem(record),
        ConditionExpression: '#status = :queued AND attempts = :attempts',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':queued': 'queued', ':attempts': previousAttempts },
      }),
    );
  } catch (error) {
    // A late provider report already moved it on; what it says wins over the send result.
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

/**
 * Writes what a provider reported later (SES: a bounce, a complaint) over a record still in the state it was read
 * in; false when it moved on meanwhile (the caller reads it again).
 */
export async function saveDeliveryReport(
  record: DeliveryRecord,
  previousStatus: DeliveryState['status'],
): Promise<boolean> {
  try {
    await client().send(
      new PutCommand({
        TableName: notificationsTableName(),
        Item: recordItem(record),
        ConditionExpression: '#status = :previous',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':previous': previousStatus },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** Every message recorded for a dossier, in the order they were queued. */
export async function deliveryLog(dossierCode: string): Promise<DeliveryRecord[]> {
  const { items } = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :message)',
    ExpressionAttributeValues: { ':pk': `DOSSIER#${dossierCode}`, ':message': 'MESSAGE#' },
  });
  return items
    .map(deliveryRecord)
    .map(({ facts, state }) => ({ facts, state }))
    .sort(
      (a, b) => a.state.queuedAt.localeCompare(b.state.queuedAt) || a.facts.messageId.localeCompare(b.facts.messageId),
    );
}

// ---------------------------------------------------------------------------------------------------------
// Officials' directory.

function official(item: Record<string, unknown>): Official {
  const value: Official = {
    sub: String(item.sub),
    agencyCode: String(item.agencyCode),
    name: String(item.name),
    language: item.language as Language,
    channels: item.channels as Official['channels'],
    active: item.active !== false,
    updatedAt: String(item.updatedAt),
    updatedBy: String(item.updatedBy),
  };
  for (const field of ['title', 'email', 'phone'] as const) {
    if (typeof item[field] === 'string') value[field] = item[field] as string;
  }
  return value;
}

function officialItem(value: Official): Record<string, unknown> {
  return {
    ...officialKey(value.sub),
    gsi2pk: `AGENCY#${value.agencyCode}`,
    gsi2sk: value.sub,
    ...value,
  };
}

/** Creates or replaces an official's entry; returns whether it was new. */
export async function putOfficial(value: Official): Promise<{ created: boolean }> {
  const out = await client().send(
    new PutCommand({ TableName: notificationsTableName(), Item: officialItem(value), ReturnValues: 'ALL_OLD' }),
  );
  return { created: out.Attributes === undefined };
}

/** Adds an official only if the directory has no entry for them (seeding never overwrites an admin's edit). */
export async function addOfficialIfAbsent(value: Official): Promise<boolean> {
  try {
    await client().send(
      new PutCommand({
        TableName: notificationsTableName(),
        Item: officialItem(value),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** The directory entries of an agency (active or not), ordered by sub. */
export async function officialsOfAgency(agencyCode: string): Promise<Official[]> {
  const { items } = await queryAll({
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :agency',
    ExpressionAttributeValues: { ':agency': `AGENCY#${agencyCode}` },
  });
  return items.map(official);
}

// ---------------------------------------------------------------------------------------------------------
// Calendar years (read model of catalog.calendar_updated), for "due within one working day".

export async function putCalendarYear(calendar: CalendarYear, revision: number): Promise<void> {
  try {
    await client().send(
      new PutCommand({
        TableName: notificationsTableName(),
        Item: { ...calendarKey(calendar.year), calendar, revision },
        ConditionExpression: 'attribute_not_exists(pk) OR revision < :revision',
        ExpressionAttributeValues: { ':revision': revision },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

export async function calendarYears(years: number[]): Promise<CalendarYear[]> {
  if (years.length === 0) return [];
  const table = notificationsTableName();
  const out = await client().send(new BatchGetCommand({ RequestItems: { [table]: { Keys: years.map(calendarKey) } } }));
  return (out.Responses?.[table] ?? []).map((item) => item.calendar as CalendarYear);
}

// ---------------------------------------------------------------------------------------------------------
// Local development: the dev outbox (what the local channels "sent") and injected channel failures.

export async function addDevOutboxMessage(message: DevOutboxMessage): Promise<void> {
  await client().send(
    new PutCommand({
      TableName: notificationsTableName(),
      Item: {
        pk: DEV_OUTBOX_PK,
        sk: `${message.sentAt}#${randomUUID()}`,
        ...message,
        expiresAt: ttlAfterDays(new Date(message.sentAt), DEV_RETENTION_DAYS),
      },
    }),
  );
}

/** Messages in the dev outbox, oldest first; a dev-only partition that TTL keeps small. */
export async function listDevOutbox(filter: { to?: string; dossierCode?: string }): Promise<DevOutboxMessage[]> {
  const conditions: string[] = [];
  const values: Record<string, unknown> = { ':pk': DEV_OUTBOX_PK };
  const names: Record<string, string> = {};
  if (filter.to !== undefined) {
    conditions.push('#to = :to');
    names['#to'] = 'to';
    values[':to'] = filter.to;
  }
  if (filter.dossierCode !== undefined) {
    conditions.push('dossierCode = :code');
    values[':code'] = filter.dossierCode;
  }
  const { items } = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
    ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    ExpressionAttributeValues: values,
  });
  return items.map((item) => {
    const { pk: _pk, sk: _sk, expiresAt: _expires, ...message } = item;
    return message as DevOutboxMessage;
  });
}

export interface DevFailure {
  channel: NotificationChannel;
  mode: FailureMode;
  remaining?: number;
}

export async function putDevFailure(failure: DevFailure): Promise<void> {
  await client().send(
    new PutCommand({
      TableName: notificationsTableName(),
      Item: { pk: DEV_FAILURE_PK, sk: failure.channel, ...failure },
    }),
  );
}

export async function listDevFailures(): Promise<DevFailure[]> {
  const { items } = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': DEV_FAILURE_PK },
  });
  return items.map(({ pk: _pk, sk: _sk, ...failure }) => failure as unknown as DevFailure);
}

export async function clearDevFailures(): Promise<void> {
  for (const failure of await listDevFailures()) {
    await client().send(
      new DeleteCommand({ TableName: notificationsTableName(), Key: { pk: DEV_FAILURE_PK, sk: failure.channel } }),
    );
  }
}

/**
 * Takes one injected failure for a channel, if any: a counted failure is used up atomically (two sends never
 * take the same one); an uncounted one stays until cleared.
 */
export async function takeDevFailure(channel: NotificationChannel): Promise<FailureMode | undefined> {
  const out = await client().send(
    new GetCommand({
      TableName: notificationsTableName(),
      Key: { pk: DEV_FAILURE_PK, sk: channel },
      ConsistentRead: true,
    }),
  );
  const item = out.Item;
  if (!item || (item.mode !== 'temporary' && item.mode !== 'permanent')) return undefined;
  if (item.remaining === undefined) return item.mode;
  try {
    await client().send(
      new UpdateCommand({
        TableName: notificationsTableName(),
        Key: { pk: DEV_FAILURE_PK, sk: channel },
        UpdateExpression: 'SET remaining = remaining - :one',
        ConditionExpression: 'remaining > :zero AND #mode = :mode',
        ExpressionAttributeNames: { '#mode': 'mode' },
        ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':mode': item.mode },
      }),
    );
    return item.mode;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return undefined;
    throw error;
  }
}
