/**
 * Requests and responses of the notifications context's routes (also its OpenAPI document), and the shapes of
 * the officials' directory seed file.
 */
import * as z from 'zod';
import { DELIVERY_STATUSES } from '../domain/delivery.ts';
import { AUDIENCES, LANGUAGES, NOTIFICATION_CHANNELS, NOTIFICATION_EVENTS } from '../domain/templates.ts';

const agencyCodeSchema = z
  .string()
  .regex(/^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/, 'agency identifier like 000.00.15.H19')
  .describe('Electronic identifier code of the agency');

/** A Vietnamese mobile number, national (0912345678) or international (+84912345678 / 84912345678) form. */
export const vietnamesePhoneSchema = z
  .string()
  .trim()
  .regex(/^(\+?84|0)(3|5|7|8|9)\d{8}$/, 'Vietnamese mobile number like 0912345678 or +84912345678');

const officialSubSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._@:-]+$/, 'the subject (sub) of the official in the province identity provider');

export const officialParamsSchema = z.object({ sub: officialSubSchema });

/** Channels an official is told on; officials are told by email first, SMS when email fails. */
const officialChannelsSchema = z.object({
  email: z.boolean().default(true),
  sms: z.boolean().default(false),
});

export const officialBodySchema = z
  .object({
    agencyCode: agencyCodeSchema,
    name: z.string().trim().min(1).max(200),
    title: z.string().trim().max(200).optional(),
    email: z.email().max(254).optional(),
    phone: vietnamesePhoneSchema.optional(),
    language: z.enum(LANGUAGES).default('vi'),
    channels: officialChannelsSchema.default({ email: true, sms: false }),
    /** Officials who left or are away stay in the directory but are not told. */
    active: z.boolean().default(true),
  })
  .strict()
  .refine((o) => o.email !== undefined || o.phone !== undefined, {
    path: ['email'],
    message: 'An official needs an email address or a phone number to be told anything',
  });
export type OfficialInput = z.output<typeof officialBodySchema>;

export const officialSchema = z.object({
  sub: officialSubSchema,
  agencyCode: agencyCodeSchema,
  name: z.string(),
  title: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  language: z.enum(LANGUAGES),
  channels: z.object({ email: z.boolean(), sms: z.boolean() }),
  active: z.boolean(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type Official = z.infer<typeof officialSchema>;

/** One row of `config/seed/<province>/officials.json` (local development directory). */
export const officialSeedSchema = officialBodySchema.safeExtend({ sub: officialSubSchema });
export const officialSeedFileSchema = z.array(officialSeedSchema);

export const officialListQuerySchema = z.object({ agencyCode: agencyCodeSchema });
export const officialListSchema = z.array(officialSchema);

export const templateListQuerySchema = z.object({
  event: z.enum(NOTIFICATION_EVENTS).optional(),
  language: z.enum(LANGUAGES).optional(),
  audience: z.enum(AUDIENCES).optional(),
  channel: z.enum(NOTIFICATION_CHANNELS).optional(),
});

export const templateViewSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  event: z.enum(NOTIFICATION_EVENTS),
  audience: z.enum(AUDIENCES),
  channel: z.enum(NOTIFICATION_CHANNELS),
  language: z.enum(LANGUAGES),
  subject: z.string().optional(),
  text: z.string(),
  html: z.string().optional(),
  znsTemplateId: z.string().optional(),
  znsParams: z.array(z.string()).optional(),
  /** The version planning picks for new messages (the newest of this id). */
  current: z.boolean(),
});
export const templateListSchema = z.array(templateViewSchema);

export const templateParamsSchema = z.object({ id: z.string().min(1).max(200) });
export const templatePreviewQuerySchema = z.object({
  version: z.coerce.number().int().min(1).optional().describe('A past version; the newest when absent'),
});

export const templatePreviewSchema = z.object({
  templateId: z.string(),
  templateVersion: z.number().int(),
  event: z.enum(NOTIFICATION_EVENTS),
  audience: z.enum(AUDIENCES),
  channel: z.enum(NOTIFICATION_CHANNELS),
  language: z.enum(LANGUAGES),
  subject: z.string().optional(),
  text: z.string(),
  html: z.string().optional(),
  zns: z.object({ templateId: z.string(), data: z.record(z.string(), z.string()) }).optional(),
  /** Variables the sample values do not provide; they stay visible as `{{name}}`. */
  missing: z.array(z.string()),
});

export const dossierCodeParamsSchema = z.object({ code: z.string().min(1).max(64) });

export const deliveryLogEntrySchema = z.object({
  messageId: z.string(),
  event: z.string(),
  eventId: z.string(),
  audience: z.enum(AUDIENCES),
  /** `applicant` or the official's sub. */
  recipient: z.string(),
  channel: z.enum(NOTIFICATION_CHANNELS),
  to: z.string(),
  templateId: z.string(),
  templateVersion: z.number().int(),
  language: z.enum(LANGUAGES),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  queuedAt: z.string(),
  lastAttemptAt: z.string().optional(),
  nextAttemptAt: z.string().optional(),
  sentAt: z.string().optional(),
  deliveredAt: z.string().optional(),
  failedAt: z.string().optional(),
  lastError: z
    .object({ class: z.enum(['temporary', 'permanent']), name: z.string().optional(), message: z.string() })
    .optional(),
  /** The message whose channel failed for good, when this one is its fallback. */
  fallbackOf: z.string().optional(),
});
export type DeliveryLogEntry = z.infer<typeof deliveryLogEntrySchema>;

export const deliveryLogSchema = z.object({
  dossierCode: z.string(),
  items: z.array(deliveryLogEntrySchema),
});

export const devOutboxQuerySchema = z.object({
  to: z.string().min(1).optional(),
  dossierCode: z.string().min(1).optional(),
});

export const devOutboxMessageSchema = z.object({
  messageId: z.string(),
  channel: z.enum(NOTIFICATION_CHANNELS),
  to: z.string(),
  template: z.string(),
  templateVersion: z.number().int(),
  language: z.enum(LANGUAGES),
  subject: z.string().optional(),
  body: z.string(),
  html: z.string().optional(),
  zns: z.object({ templateId: z.string(), data: z.record(z.string(), z.string()) }).optional(),
  sentAt: z.string(),
  dossierCode: z.string().optional(),
});
export type DevOutboxMessage = z.infer<typeof devOutboxMessageSchema>;
export const devOutboxListSchema = z.array(devOutboxMessageSchema);

export const FAILURE_MODES = ['temporary', 'permanent'] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

export const devFailureBodySchema = z
  .object({
    channel: z.enum(NOTIFICATION_CHANNELS),
    mode: z.enum(FAILURE_MODES),
    /** How many sends on the channel fail; absent: every send until cleared. */
    count: z.number().int().min(1).max(1000).optional(),
  })
  .strict();
export const devFailureSchema = z.object({
  channel: z.enum(NOTIFICATION_CHANNELS),
  mode: z.enum(FAILURE_MODES),
  remaining: z.number().int().optional(),
});
export const devFailureListSchema = z.array(devFailureSchema);
