/**
 * The notifications context's declaration: one table (dossier and calendar read models, the officials'
 * directory, delivery records, deadline alerts sent, the dev outbox, and an outbox for the alert events), two
 * consumers (events that call for messages; catalog events that feed the directory seed and the calendar), the
 * deadline schedule, the admin and delivery-log routes, and local-only `/dev/` routes for the dev outbox.
 *
 * Retries (see use-cases/dispatch.ts): a temporary failure makes the event's queue message visible again after
 * the backoff (ChangeMessageVisibility, at most 15 minutes) and fails that record only (partial batch
 * response); `maxReceiveCount` is sized for every channel's attempts (6 per channel, 3 channels) plus margin, so
 * only a message that no channel can deliver reaches the DLQ.
 */
import type { CatalogEventType } from '#catalog/events.ts';
import { DOSSIER_EVENT_TYPES } from '#dossiers/events.ts';
import type { ContextTopology, FunctionDecl, RouteDecl } from '#topology/types.ts';
import {
  deliveryLogSchema,
  devFailureBodySchema,
  devFailureListSchema,
  devFailureSchema,
  devOutboxListSchema,
  devOutboxQuerySchema,
  dossierCodeParamsSchema,
  officialBodySchema,
  officialListQuerySchema,
  officialListSchema,
  officialParamsSchema,
  officialSchema,
  templateListQuerySchema,
  templateListSchema,
  templateParamsSchema,
  templatePreviewQuerySchema,
  templatePreviewSchema,
} from './api/schemas.ts';
import { ALERT_EVENT_TYPES } from './domain/alerts.ts';

const tags = ['notifications'];
const devTags = ['dev'];

// Admin and log routes accept either issuer (`user`) so that a citizen's token is told 403, not 401; only
// the officials' issuer can carry officer, leader or admin.
export const routes = {
  listTemplates: {
    id: 'listNotificationTemplates',
    method: 'GET',
    path: '/notifications/templates',
    function: 'notifications-list-templates',
    auth: 'user',
    roles: ['admin'],
    summary: 'The notification templates (every version), filtered by event, language, audience, channel',
    tags,
    schemas: {
      query: templateListQuerySchema,
      responses: { 200: { description: 'templates, by id then version', schema: templateListSchema } },
    },
  },
  previewTemplate: {
    id: 'previewNotificationTemplate',
    method: 'GET',
    path: '/notifications/templates/{id}/preview',
    function: 'notifications-preview-template',
    auth: 'user',
    roles: ['admin'],
    summary: 'A template rendered with typical values, as the recipient would read it',
    tags,
    schemas: {
      params: templateParamsSchema,
      query: templatePreviewQuerySchema,
      responses: { 200: { description: 'the rendered template', schema: templatePreviewSchema } },
    },
  },
  putOfficial: {
    id: 'putNotificationOfficial',
    method: 'PUT',
    path: '/notifications/officials/{sub}',
    function: 'notifications-put-official',
    auth: 'user',
    roles: ['admin'],
    summary: "Create or update an official's entry in the notifications directory",
    description:
      'Officials of an agency are told about its new and supplemented dossiers and its deadlines, by email ' +
      '(SMS when email fails and they opted in).',
    tags,
    schemas: {
      params: officialParamsSchema,
      body: officialBodySchema,
      responses: {
        200: { description: 'the entry was updated', schema: officialSchema },
        201: { description: 'the entry was created', schema: officialSchema },
      },
    },
  },
  listOfficials: {
    id: 'listNotificationOfficials',
    method: 'GET',
    path: '/notifications/officials',
    function: 'notifications-list-officials',
    auth: 'user',
    roles: ['admin'],
    summary: "An agency's entries in the notifications directory",
    tags,
    schemas: {
      query: officialListQuerySchema,
      responses: { 200: { description: 'the entries, by sub', schema: officialListSchema } },
    },
  },
  dossierLog: {
    id: 'getDossierNotifications',
    method: 'GET',
    path: '/dossiers/{code}/notifications',
    function: 'notifications-dossier-log',
    auth: 'user',
    roles: ['officer', 'leader', 'admin'],
    summary: "The delivery log of a dossier's notifications (queued, sent, delivered, failed)",
    description: 'Officials of the agency that received or holds the dossier, and admins.',
    tags,
    schemas: {
      params: dossierCodeParamsSchema,
      responses: { 200: { description: 'every message, in the order queued', schema: deliveryLogSchema } },
    },
  },
  devOutbox: {
    id: 'getDevOutbox',
    method: 'GET',
    path: '/dev/outbox',
    function: 'notifications-dev-outbox',
    auth: 'public',
    summary: 'Local only: the messages the local channels "sent", oldest first',
    tags: devTags,
    schemas: {
      query: devOutboxQuerySchema,
      responses: { 200: { description: 'messages', schema: devOutboxListSchema } },
    },
  },
  devFailures: {
    id: 'getDevOutboxFailures',
    method: 'GET',
    path: '/dev/outbox/failures',
    function: 'notifications-dev-failures',
    auth: 'public',
    summary: 'Local only: the failures injected into the local channels',
    tags: devTags,
    schemas: { responses: { 200: { description: 'injected failures', schema: devFailureListSchema } } },
  },
  devFailuresPost: {
    id: 'postDevOutboxFailure',
    method: 'POST',
    path: '/dev/outbox/failures',
    function: 'notifications-dev-failures-set',
    auth: 'public',
    summary: 'Local only: make a local channel fail (temporarily or permanently), `count` times or until cleared',
    tags: devTags,
    schemas: {
      body: devFailureBodySchema,
      responses: { 200: { description: 'the failure in force', schema: devFailureSchema } },
    },
  },
  devFailuresDelete: {
    id: 'deleteDevOutboxFailures',
    method: 'DELETE',
    path: '/dev/outbox/failures',
    function: 'notifications-dev-failures-clear',
    auth: 'public',
    summary: 'Local only: clear every injected failure',
    tags: devTags,
    schemas: { responses: { 204: { description: 'cleared' } } },
  },
} as const satisfies Record<string, RouteDecl>;

const table = 'notifications';
const read = [{ table, access: 'read' as const }];
const readwrite = [{ table, access: 'readwrite' as const }];

const http = (name: string, file: string, tables: FunctionDecl['tables'] = []): FunctionDecl => ({
  name,
  entry: `functions/notifications/handlers/${file}`,
  kind: 'http',
  memoryMb: 256,
  ...(tables.length > 0 ? { tables } : {}),
});

/** Event types that call for messages or feed the read models they are planned from. */
export const NOTIFIED_EVENT_TYPES = [...DOSSIER_EVENT_TYPES, 'payment.completed', 'alert.due_soon', 'alert.overdue'];

export const topology: ContextTopology = {
  context: 'notifications',
  publishes: ALERT_EVENT_TYPES,
  tables: [
    {
      name: table,
      partitionKey: 'pk',
      sortKey: 'sk',
      outbox: true,
      ttlAttribute: 'expiresAt',
      indexes: [
        {
          name: 'gsi1',
          partitionKey: 'gsi1pk',
          sortKey: 'gsi1sk',
          accessPattern:
            'open dossiers by appointment date (sparse: only while the clock runs and the overdue alert is unsent)',
        },
        { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', accessPattern: 'officials of an agency' },
      ],
      accessPatterns: [
        'a dossier (read model) by code: applicant contacts, agencies, appointment date',
        "a dossier's delivery records (its delivery log), in the dossier's partition",
        'a delivery record by message id (conditional put before sending)',
        'an official by sub; officials of an agency (gsi2)',
        'open dossiers due before a moment (gsi1, deadline schedule)',
        'a deadline alert by key (conditional put: once per dossier, kind and appointment date)',
        'calendar years by year',
        'local only: the dev outbox and injected channel failures (one partition each, TTL-bounded)',
      ],
    },
  ],
  buckets: [],
  functions: [
    {
      name: 'notifications-on-event',
      entry: 'functions/notifications/handlers/on-event.ts',
      kind: 'consumer',
      memoryMb: 512,
      timeoutSeconds: 30,
      tables: readwrite,
      permissions: ['ses:send', 'sns:sms'],
      secrets: ['zalo'],
    },
    {
      name: 'notifications-on-catalog-event',
      entry: 'functions/notifications/handlers/on-catalog-event.ts',
      kind: 'consumer',
      memoryMb: 256,
      timeoutSeconds: 30,
      tables: readwrite,
    },
    {
      name: 'notifications-deadline-alerts',
      entry: 'functions/notifications/handlers/deadline-alerts.ts',
      kind: 'schedule',
      memoryMb: 512,
      timeoutSeconds: 120,
      tables: readwrite,
    },
    {
      // Renews the Zalo OA access token with the refresh token the Zalo secret holds, before it expires.
      name: 'notifications-zalo-token-refresh',
      entry: 'functions/notifications/handlers/refresh-zalo-token.ts',
      kind: 'schedule',
      memoryMb: 256,
      timeoutSeconds: 30,
      secrets: ['zalo'],
      permissions: ['secrets:write'],
      requiresChannel: 'zalo',
    },
    {
      // SES's bounces and complaints: the delivery they report fails (its record, the delivery log, the metric).
      name: 'notifications-on-email-feedback',
      entry: 'functions/notifications/handlers/on-email-feedback.ts',
      kind: 'consumer',
      memoryMb: 256,
      timeoutSeconds: 30,
      tables: readwrite,
      requiresChannel: 'email',
    },
    http('notifications-list-templates', 'list-templates.ts'),
    http('notifications-preview-template', 'preview-template.ts'),
    http('notifications-put-official', 'put-official.ts', readwrite),
    http('notifications-list-officials', 'list-officials.ts', read),
    http('notifications-dossier-log', 'dossier-log.ts', read),
    http('notifications-dev-outbox', 'dev-outbox.ts', read),
    http('notifications-dev-failures', 'dev-failures.ts', read),
    http('notifications-dev-failures-set', 'dev-failures-set.ts', readwrite),
    http('notifications-dev-failures-clear', 'dev-failures-clear.ts', readwrite),
  ],
  routes: Object.values(routes),
  consumers: [
    {
      queue: 'notifications-from-events',
      function: 'notifications-on-event',
      eventTypes: NOTIFIED_EVENT_TYPES,
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      // Six times the function's timeout (AWS's advice for Lambda event sources); retries set their own delay.
      visibilityTimeoutSeconds: 180,
      maxReceiveCount: 20,
    },
    {
      queue: 'notifications-from-catalog',
      function: 'notifications-on-catalog-event',
      eventTypes: ['catalog.agency_upserted', 'catalog.calendar_updated'] satisfies CatalogEventType[],
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      visibilityTimeoutSeconds: 180,
      maxReceiveCount: 5,
    },
    {
      queue: 'notifications-email-feedback',
      function: 'notifications-on-email-feedback',
      eventTypes: [],
      sesFeedback: { events: ['bounce', 'complaint'] },
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      visibilityTimeoutSeconds: 180,
      maxReceiveCount: 5,
    },
  ],
  schedules: [
    {
      // Not the function's name: CDK names the rule and the function in the same stack.
      name: 'notifications-deadlines',
      function: 'notifications-deadline-alerts',
      rateMinutes: 15,
      description: 'Tells agencies about open dossiers due within one working day and overdue ones, once each',
    },
    {
      name: 'notifications-zalo-token',
      function: 'notifications-zalo-token-refresh',
      rateMinutes: 60,
      description: 'Refreshes the Zalo OA access token (it lives 25 hours) a few hours before it expires',
    },
  ],
};
