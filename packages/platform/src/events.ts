/**
 * The versioned envelope every domain event travels in, from the outbox item written in the same DynamoDB
 * transaction as the state change, through the stream publisher and SNS, to each consumer's SQS queue.
 *
 * - `id` is unique per event and is what consumers deduplicate on (delivery is at-least-once).
 * - `type` is `<context>.<PastTenseName>`, e.g. `dossier.received`; `version` is bumped on a breaking change
 *   of `data`, so a consumer can keep reading old events while producers move on.
 * - `subject` is the aggregate the event is about (a dossier code, a payment id, ...); `sequence` orders the
 *   events of one subject (the aggregate's version after the change) so a consumer can drop stale ones.
 */
export interface EventEnvelope<TData = unknown, TType extends string = string> {
  id: string;
  type: TType;
  version: number;
  source: ContextName;
  subject: string;
  sequence: number;
  occurredAt: string;
  correlationId?: string;
  data: TData;
}

export type ContextName = 'catalog' | 'dossiers' | 'documents' | 'payments' | 'notifications' | 'reporting' | 'portal';

/** What a producer hands to the outbox; the outbox fills in id and occurredAt. */
export interface NewEvent<TData = unknown, TType extends string = string> {
  type: TType;
  version?: number;
  subject: string;
  sequence: number;
  data: TData;
  correlationId?: string;
}
