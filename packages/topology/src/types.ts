/**
 * The one declaration of the topology. Each bounded context declares its tables, functions, routes, event
 * consumers, schedules and buckets once, in `functions/<context>/topology.ts`; the CDK stacks (infra/) and the
 * embedded local cloud (packages/local-cloud) are both built from these values, and a test proves they agree.
 *
 * Only plain data and zod schemas live here: no CDK and no AWS SDK types, so both sides can import it.
 */
import type * as z from 'zod';
import type { ContextName } from '#platform/events.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route, as the API gateway enforces it (handlers then check what the caller may touch):
 * - `public`: no token (public reads);
 * - `webhook`: no token; the gateway's signature in the request is the authentication;
 * - `citizen`: a token from the citizens' issuer (national e-identity);
 * - `official`: a token from the officials' issuer (the province's identity provider);
 * - `user`: a token from either issuer (routes shared by citizens and officials).
 * Routes under `/dev/` exist only in the local runtime and are never deployed.
 */
export type RouteAuth = 'public' | 'webhook' | 'citizen' | 'official' | 'user';

export type Role = 'citizen' | 'officer' | 'leader' | 'admin';

export interface RouteSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  headers?: z.ZodType;
  body?: z.ZodType;
  /** Response bodies by status code, for the OpenAPI document. */
  responses?: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

export interface RouteDecl {
  /** Stable identifier, also the OpenAPI operationId. */
  id: string;
  method: HttpMethod;
  /** API Gateway path template, e.g. `/dossiers/{code}/actions`. */
  path: string;
  function: string;
  auth: RouteAuth;
  /** Roles the handler admits (checked in the handler, documented in OpenAPI). */
  roles?: Role[];
  summary: string;
  description?: string;
  tags: string[];
  schemas: RouteSchemas;
}

export interface TableIndexDecl {
  name: string;
  partitionKey: string;
  sortKey?: string;
  /** What the index serves, for docs/architecture.md and reviewers. */
  accessPattern: string;
  /**
   * The non-key attributes the index holds (INCLUDE projection), when its readers need only those: a write then
   * costs the index their size, not the whole item's. Absent: the whole item (ALL).
   */
  projects?: readonly string[];
}

export interface TableDecl {
  /** Logical name, unique across the province: `<context>` for a context's single table. */
  name: string;
  partitionKey: 'pk';
  sortKey: 'sk';
  indexes: TableIndexDecl[];
  /** A table with an outbox has a stream (NEW_IMAGE) feeding the event publisher. */
  outbox: boolean;
  ttlAttribute?: string;
  accessPatterns: string[];
}

export interface BucketDecl {
  name: string;
  /** Days after which incomplete/quarantined objects are removed; undefined keeps them. */
  expireAfterDays?: number;
  /** Prefix-scoped expiry rules (e.g. quarantine/). */
  prefixExpiry?: { prefix: string; days: number }[];
  /** Keep noncurrent versions this long (recovery from overwrites/deletes). */
  noncurrentVersionDays: number;
  /** On AWS, GuardDuty Malware Protection for S3 scans new objects under these prefixes. */
  malwareScanPrefixes?: string[];
}

export type FunctionKind = 'http' | 'consumer' | 'publisher' | 'schedule' | 'authorizer';

export interface FunctionDecl {
  name: string;
  /** Path of the handler module from the repository root; it exports `handler`. */
  entry: string;
  kind: FunctionKind;
  memoryMb?: number;
  timeoutSeconds?: number;
  /** Tables this function may use and how. */
  tables?: { table: string; access: 'read' | 'readwrite' }[];
  buckets?: { bucket: string; access: 'read' | 'readwrite' }[];
  /** Secrets (gateway credentials, portal credentials) read at run time on AWS. */
  secrets?: string[];
  /**
   * Extra permissions expressed abstractly; infra maps them to IAM statements. `secrets:write`: PutSecretValue
   * on the function's `secrets` (a function that renews a credential it holds).
   */
  permissions?: ('ses:send' | 'sns:sms' | 'kms:sign' | 'kms:verify' | 'events:publish' | 'secrets:write')[];
  environment?: Record<string, string>;
  /**
   * Deployed only in provinces whose config enables this notification channel (with its consumers and
   * schedules); the local cloud always runs it.
   */
  requiresChannel?: 'email' | 'sms' | 'zalo';
}

export interface ConsumerDecl {
  /** Queue name (logical); a DLQ named `<name>-dlq` is declared with it. */
  queue: string;
  function: string;
  /** Event types this consumer subscribes to (an SNS filter policy on the `type` attribute). */
  eventTypes: string[];
  batchSize: number;
  maxBatchingWindowSeconds: number;
  visibilityTimeoutSeconds: number;
  /** Receives before a message is moved to the DLQ. */
  maxReceiveCount: number;
  /**
   * Fed by an AWS service's EventBridge events instead of the event bus (e.g. GuardDuty malware scan
   * results): on AWS a rule on the default bus targets the queue; locally nothing produces them.
   */
  awsEventSource?: { source: string; detailType: string; bucket?: string };
  /**
   * Fed by the province's SES configuration set instead of the event bus: on AWS its event destination publishes
   * these events (SES notification JSON) to a topic of their own that delivers to the queue; locally nothing does.
   */
  sesFeedback?: { events: ('bounce' | 'complaint')[] };
}

/** A consumer fed by the event bus (a subscription with a filter policy), not by an AWS service. */
export const fedByEventBus = (consumer: ConsumerDecl): boolean =>
  consumer.awsEventSource === undefined && consumer.sesFeedback === undefined;

export interface ScheduleDecl {
  name: string;
  function: string;
  /** Every N minutes. */
  rateMinutes: number;
  description: string;
}

export interface ContextTopology {
  context: ContextName | 'platform';
  /**
   * Event types this context writes to its outbox (its published language, from its `events.ts`). The event
   * table in docs/architecture.md is generated from these and the consumers' `eventTypes`, and a test fails when
   * a consumer subscribes to a type nobody publishes.
   */
  publishes?: readonly string[];
  tables: TableDecl[];
  buckets: BucketDecl[];
  functions: FunctionDecl[];
  routes: RouteDecl[];
  consumers: ConsumerDecl[];
  schedules: ScheduleDecl[];
}

/** The publisher that turns a context table's outbox stream into events on the bus. */
export const outboxPublisherFunction = (table: string): FunctionDecl => ({
  name: `${table}-outbox-publisher`,
  entry: 'packages/platform/src/handlers/publish-outbox.ts',
  kind: 'publisher',
  memoryMb: 256,
  timeoutSeconds: 30,
  tables: [{ table, access: 'read' }],
  permissions: ['events:publish'],
});
