/**
 * Notification templates are data: each is one (audience, event, channel, language) text with `{{var}}`
 * placeholders and a version, so a province can edit wording without a deploy and a delivery log can say
 * exactly which text went out. The built-in catalog below covers every event the consumer plans for; a
 * province's own edits (from config or an admin store) are validated with `templateSchema` and take
 * precedence by having a higher version.
 */
import * as z from 'zod';
import { escapeHtml, type Language, toSmsText } from './format.ts';

export type { Language } from './format.ts';

export const LANGUAGES = ['vi', 'en'] as const;
export const NOTIFICATION_CHANNELS = ['email', 'sms', 'zalo'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
/** Alias matching the brief's name; not the dossier's submission channel (`#dossiers/events.ts` Channel). */
export type Channel = NotificationChannel;
export const AUDIENCES = ['applicant', 'official'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const NOTIFICATION_EVENTS = [
  'dossier.submitted',
  'dossier.received',
  'dossier.supplement_requested',
  'dossier.payment_requested',
  'payment.completed',
  'dossier.resolved',
  'dossier.returned',
  'dossier.rejected',
  'dossier.stopped',
  'dossier.apologized',
  'dossier.withdrawn',
  'dossier.supplemented',
  'alert.due_soon',
  'alert.overdue',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export interface Template {
  /** Stable across versions: `<audience>.<event>.<channel>.<language>` for the built-in catalog. */
  id: string;
  version: number;
  event: NotificationEvent;
  audience: Audience;
  channel: NotificationChannel;
  language: Language;
  subject?: string;
  text: string;
  html?: string;
  /** The id Zalo assigned when the province's Official Account registered this ZNS template. */
  znsTemplateId?: string;
  /** Variable names, in the order of the registered ZNS template's parameters. */
  znsParams?: string[];
}

export type TemplateVars = Record<string, string>;

export interface RenderedMessage {
  templateId: string;
  templateVersion: number;
  channel: NotificationChannel;
  language: Language;
  subject?: string;
  /** The body to send: for SMS, the unaccented GSM-7 form unless `sms: 'accented'` was asked for. */
  text: string;
  html?: string;
  /** Zalo ZNS request parts: `data` keys are in `znsParams` order. */
  zns?: { templateId: string; data: Record<string, string> };
}

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/** The variable names a template uses (subject, text, html and ZNS parameters), each once. */
export function templateVariables(template: Template): string[] {
  const names = new Set<string>();
  for (const part of [template.subject, template.text, template.html]) {
    if (part === undefined) continue;
    for (const match of part.matchAll(PLACEHOLDER)) names.add(match[1]!);
  }
  for (const name of template.znsParams ?? []) names.add(name);
  return [...names];
}

export class MissingTemplateVariablesError extends Error {
  readonly templateId: string;
  readonly missing: string[];
  constructor(templateId: string, missing: string[]) {
    super(`Template ${templateId} needs variables it was not given: ${missing.join(', ')}`);
    this.name = 'MissingTemplateVariablesError';
    this.templateId = templateId;
    this.missing = missing;
  }
}

export interface RenderOptions {
  /** `throw` (default) refuses to send a text with holes; `keep` leaves `{{var}}` visible, for previews. */
  missing?: 'throw' | 'keep';
  /** SMS are sent unaccented by default (GSM-7: 160 characters a segment instead of 70). */
  sms?: 'unaccented' | 'accented';
}

function fill(source: string, vars: TemplateVars, encode: (value: string) => string): string {
  // One pass: a value that itself contains `{{x}}` is inserted as is, never expanded.
  return source.replace(PLACEHOLDER, (whole, name: string) => {
    const value = vars[name];
    return value === undefined ? whole : encode(value);
  });
}

const asIs = (value: string): string => value;

/** Fills a template's placeholders; values are HTML-escaped in the html body and nowhere else. */
export function renderTemplate(template: Template, vars: TemplateVars, options: RenderOptions = {}): RenderedMessage {
  const missing = templateVariables(template).filter((name) => vars[name] === undefined);
  if (missing.length > 0 && (options.missing ?? 'throw') === 'throw') {
    throw new MissingTemplateVariablesError(template.id, missing);
  }
  const text = fill(template.text, vars, asIs);
  const rendered: RenderedMessage = {
    templateId: template.id,
    templateVersion: template.version,
    channel: template.channel,
    language: template.language,
    text: template.channel === 'sms' && options.sms !== 'accented' ? toSmsText(text) : text,
  };
  if (template.subject !== undefined) rendered.subject = fill(template.subject, vars, asIs);
  if (template.html !== undefined) rendered.html = fill(template.html, vars, escapeHtml);
  if (template.znsTemplateId !== undefined) {
    const data: Record<string, string> = {};
    for (const name of template.znsParams ?? []) data[name] = vars[name] ?? `{{${name}}}`;
    rendered.zns = { templateId: template.znsTemplateId, data };
  }
  return rendered;
}

export interface TemplateKey {
  event: NotificationEvent;
  audience: Audience;
  channel: NotificationChannel;
  language: Language;
}

/** The newest version of the template for a key, or undefined when the catalog has none. */
export function selectTemplate(templates: readonly Template[], key: TemplateKey): Template | undefined {
  let best: Template | undefined;
  for (const t of templates) {
    if (t.event !== key.event || t.audience !== key.audience) continue;
    if (t.channel !== key.channel || t.language !== key.language) continue;
    if (best === undefined || t.version > best.version) best = t;
  }
  return best;
}

/** One exact template version, so a retry or a fallback renders what was planned even after an edit. */
export function getTemplate(templates: readonly Template[], id: string, version: number): Template | undefined {
  return templates.find((t) => t.id === id && t.version === version);
}

export interface TemplatePreview {
  templateId: string;
  templateVersion: number;
  audience: Audience;
  channel: NotificationChannel;
  rendered: RenderedMessage;
  /** Variables the sample did not provide; they stay visible as `{{var}}` in `rendered`. */
  missing: string[];
}

/** Renders every audience's and channel's newest template for an event in one language, for the admin preview. */
export function previewTemplates(
  event: NotificationEvent,
  language: Language,
  sampleVars: TemplateVars,
  templates: readonly Template[] = TEMPLATES,
): TemplatePreview[] {
  const previews: TemplatePreview[] = [];
  for (const audience of AUDIENCES) {
    for (const channel of NOTIFICATION_CHANNELS) {
      const template = selectTemplate(templates, { event, audience, channel, language });
      if (template === undefined) continue;
      previews.push({
        templateId: template.id,
        templateVersion: template.version,
        audience,
        channel,
        rendered: renderTemplate(template, sampleVars, { missing: 'keep' }),
        missing: templateVariables(template).filter((name) => sampleVars[name] === undefined),
      });
    }
  }
  return previews;
}

/** Points the ZNS templates at the ids Zalo gave the province's Official Account (keyed by our template id). */
export function withZnsTemplateIds(templates: readonly Template[], znsIds: Record<string, string>): Template[] {
  return templates.map((t) => {
    const znsTemplateId = znsIds[t.id];
    return t.channel === 'zalo' && znsTemplateId !== undefined ? { ...t, znsTemplateId } : t;
  });
}

/** Text left once well-formed placeholders are removed must not contain braces pairs: a typo like `{{ code }`. */
function hasStrayBraces(source: string): boolean {
  const rest = source.replace(PLACEHOLDER, '');
  return rest.includes('{{') || rest.includes('}}');
}

/** Validates a template that crosses a boundary (province config, admin edits). */
export const templateSchema = z
  .object({
    id: z.string().min(1),
    version: z.number().int().min(1),
    event: z.enum(NOTIFICATION_EVENTS),
    audience: z.enum(AUDIENCES),
    channel: z.enum(NOTIFICATION_CHANNELS),
    language: z.enum(LANGUAGES),
    subject: z.string().min(1).optional(),
    text: z.string().min(1),
    html: z.string().min(1).optional(),
    znsTemplateId: z.string().min(1).optional(),
    znsParams: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/)).optional(),
  })
  .superRefine((t, ctx) => {
    if (t.channel === 'email' && t.subject === undefined) {
      ctx.addIssue({ code: 'custom', path: ['subject'], message: 'An email template needs a subject' });
    }
    if (t.channel === 'zalo' && (t.znsTemplateId === undefined || t.znsParams === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['znsTemplateId'], message: 'A Zalo template needs a ZNS id and params' });
    }
    for (const field of ['subject', 'text', 'html'] as const) {
      const value = t[field];
      if (value !== undefined && hasStrayBraces(value)) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'Malformed placeholder' });
      }
    }
  });

// ---------------------------------------------------------------------------------------------------------
// The built-in catalog. Each (audience, event, language) is written once as "copy" and expanded to one
// template per channel, so the email, SMS and Zalo wordings of one notice stay side by side.

interface Copy {
  subject: string;
  /** Email and Zalo body paragraphs; `{{link}}` becomes an anchor in HTML. */
  body: string[];
  /** Written with diacritics; sent unaccented. Keep within 160 characters for typical values. */
  sms: string;
  /** Parameter order of the ZNS template registered with Zalo; absent for audiences Zalo is not used for. */
  zns?: string[];
}

const GREETING: Record<Language, string> = {
  vi: 'Kính gửi {{applicantName}},',
  en: 'Dear {{applicantName}},',
};

const FOOTER: Record<Language, string> = {
  vi: 'Đây là thư tự động từ hệ thống dịch vụ công trực tuyến, vui lòng không trả lời thư này.',
  en: 'This is an automated message from the online public service system; please do not reply.',
};

type CatalogEntry = { audience: Audience; event: NotificationEvent; copy: Record<Language, Copy> };

const APPLICANT_COPY: CatalogEntry[] = [
  {
    audience: 'applicant',
    event: 'dossier.submitted',
    copy: {
      vi: {
        subject: 'Hồ sơ {{code}} đã được nộp thành công',
        body: [
          'Hồ sơ "{{procedureName}}" của Ông/Bà đã được nộp trực tuyến thành công. Mã hồ sơ: {{code}}.',
          'Bộ phận Một cửa sẽ kiểm tra hồ sơ và thông báo ngày hẹn trả kết quả khi tiếp nhận.',
          'Tra cứu hồ sơ: {{link}}',
        ],
        sms: 'Hồ sơ {{code}} đã được nộp thành công và đang chờ Bộ phận Một cửa tiếp nhận.',
        zns: ['applicantName', 'code', 'procedureName'],
      },
      en: {
        subject: 'Dossier {{code}} submitted',
        body: [
          'Your application for "{{procedureName}}" was submitted online. Dossier code: {{code}}.',
          'The one-stop desk will review it and tell you the appointment date for the result once it is received.',
          'Track your dossier: {{link}}',
        ],
        sms: 'Dossier {{code}} submitted. The one-stop desk will review it and send you the appointment date.',
        zns: ['applicantName', 'code', 'procedureName'],
      },
    },
  },
  {
    audience: 'applicant',
    event: 'dossier.received',
    copy: {
      vi: {
        subject: 'Hồ sơ {{code}} đã được tiếp nhận',
        body: [
          'Hồ sơ {{code}} ("{{procedureName}}") đã được tiếp nhận.',
          'Ngày hẹn trả kết quả: {{appointment}}.',
          'Tra cứu hồ sơ: {{link}}',
        ],
        sms: 'Hồ sơ {{code}} đã được tiếp nhận. Ngày hẹn trả kết quả: {{appointment}}.',
        zns: ['applicantName', 'code', 'procedureName', 'appointment'],
      },
      en: {
        subject: 'Dossier {{code}} received',
        body: [
          'Dossier {{code}} ("{{procedureName}}") has been received.',
          'Appointment date for the result: {{appointment}}.',
          'Track your dossier: {{link}}',
        ],
        sms: 'Dossier {{code}} received. Appointment date for the result: {{appointment}}.',
        zns: ['applicantName', 'code', 'procedureName', 'appointment'],
      },
    },
  },
  {
    audience: 'applicant',
    event: 'dossier.supplement_requested',
    copy: {
      vi: {
        subject: 'Hồ sơ {{code}} cần bổ sung',
        body: [
          'Hồ sơ {{code}} cần được bổ sung, hoàn thiện. Thời hạn giải quyết tạm dừng cho đến khi Ông/Bà bổ sung hồ sơ.',
          'Nội dung cần bổ sung: {{reason}}',
          'Bổ sung hồ sơ tại: {{link}}',
        ],
        sms: 'Hồ sơ {{code}} cần bổ sung. Nội dung: {{reasonShort}}',
        zns: ['applicantName', 'code', 'reason'],
      },
      en: {
        subject: 'Dossier {{code}} needs more documents',
        body: [
          'Dossier {{code}} needs additional or corrected documents. The processing time is paused until you supplement it.',
          'What is needed: {{reason}}',
          'Supplement your dossier: {{link}}',
        ],
        sms: 'Dossier {{code}} needs more documents. Details: {{reasonShort}}',
        zns: ['applicantName', 'code', 'reason'],
      },
    },
  },
  {
    audience: 'applicant',
    event: 'dossier.payment_requested',
    copy: {
      vi: {
        subject: 'Hồ sơ {{code}}: đề nghị nộp phí, lệ phí',
        body: [
          'Hồ sơ {{code}} cần thực hiện nghĩa vụ tài chính trước khi trả kết quả.',
          'Số tiền: {{amount}}.',
          'Thanh toán trực tuyến tại: {{link}}',
        ],
        sms: 'Hồ sơ {{code}}: vui lòng nộp phí, lệ phí {{amount}} tại {{link}}',
        zns: ['applicantName', 'code', 'amount', 'link'],
      },
      en: {
        subject: 'Dossier {{code}}: fees due',
        body: [
          'Fees for dossier {{code}} must be paid before the result is returned.',
          'Amount: {{amount}}.',
          'Pay online: {{link}}',
        ],
        sms: 'Dossier {{code}}: please pay the fees of {{amount}} at {{link}}',
        zns: ['applicantName', 'code', 'amount', 'link'],
      },
    },
  },
  {
    audience: 'applicant',
    event: 'payment.completed',
    copy: {
      vi: {
        subject: 'Đã nhận thanh toán cho hồ sơ {{code}}',
        body: [
          'Cơ quan giải quyết đã nhận khoản thanh toán {{amount}} cho hồ sơ {{code}}.',
          'Số biên lai điện tử: {{receiptNumber}}.',
          'Tra cứu hồ sơ: {{link}}',
        ],
        sms: 'Đã nhận thanh toán {{amount}} cho hồ sơ {{code}}. Số biên lai: {{receiptNumber}}.',
        zns: ['applicantName', 'code', 'amount', 'receiptNumber'],
      },
      en: {
        subject: 'Payment received for dossier {{code}}',
        body: [
          'We have received your payment of {{amount}} for dossier {{code}}.',
          'Electronic receipt number: {{receiptNumber}}.',
          'Track your dossier: {{link}}',
        ],
        sms: 'Payment of {{amount}} received for dossier {{code}}. Receipt number: {{receiptNumber}}.',
        zns: ['applicantName', 'code', 'amount', 'receiptNumber'],
      },
    },
  },
  {
    audience: 'applicant',
    event: 'dossier.resolved',
    copy: {
      vi: {
        subject: 'Hồ sơ {{code}} đã có kết quả',
        body: [
          'Hồ sơ {{code}} đã được giải quyết xong và có kết quả.',
          'Hình thức nhận kết quả: {{howToCollect}}.',
          'Tra cứu hồ sơ: {{link}}',
        ],
        sms: 'Hồ sơ {{code}} đã có kết quả. Nhận kết quả: {{howToCollect}}.',
        zns: ['applicantName', 'code', 'howToCollect'],
      },
      en: {
        subject: 'The result of dossier {{code}} is ready',
        body: [
          'Dossier {{code}} has been processed and its result is ready.',
          'How you receive it: {{howToCollect}}.',
          'Track your dossier: {{link}}',
        ],
        sms: 'The result of dossier {{code}} is ready. How you receive it: {{howToCollect}}.',
        zns: ['applicantName', 'code', 'howToCollect'],
      },
    },
  },
  {
    audience: 'applicant',
    event: 'dossier.returned',
    copy: {
      vi: {
        subject: 'Đã trả kết quả hồ sơ {{code}}',
        body: [
          'Kết quả hồ sơ {{code}} đã được trả cho Ông/Bà. Cảm ơn Ông/Bà đã sử dụng dịch vụ công.',
          'Mời Ông/Bà đánh giá mức độ hài lòng tại: {{link}}',
        ],
        sms: 'Kết quả hồ sơ {{code}} đã được trả. Cảm ơn Ông/Bà đã sử dụng dịch vụ công.',
        zns: ['applicantName', 'code'],
      },
      en: {
        subject: 'Result of dossier {{code}} returned',
        body: [
          'The result of dossier {{code}} has been returned to you. Thank you for using our public services.',
          'Please rate the service: {{link}}',
        ],
        sms: 'The result of dossier {{code}} has been returned to you. Thank you for using our public services.',
        zns: ['applicantName', 'code'],
      },
    },
  },
  {
    audience: 'applicant',
    event: 'dossier.rejected',
    copy: {
      vi: {
        subject: 'Hồ sơ {{code}} không được tiếp nhận',
        body: [
          'Hồ sơ {{code}} không được tiếp nhận.',
          'Lý do: {{reason}}',
          'Ông/Bà có thể nộp lại hồ sơ sau khi hoàn thiện theo hướng dẫn trên.',
        ],
        sms: 'Hồ sơ {{code}} không được tiếp nhận. Lý do: {{reasonShort}}',
        zns: ['applicantName', 'code', 'reason'],
      },
      en: {
        subject: 'Dossier {{code}} not accepted',
        body: [
          'Dossier {{code}} was not accepted.',
          'Reason: {{reason}}',
          'You may submit it again once it meets the requirements above.',
        ],
        sms: 'Dossier {{code}} was not accepted. Reason: {{reasonShort}}',
        zns: ['applicantName', 'code', 'reason'],
      },
    },
  },
  {
    audience: 'applicant',
    event: 'dossier.stopped',
    copy: {
      vi: {
        subject: 'Hồ sơ {{code}} đã dừng xử lý',
        body: ['Việc giải quyết hồ sơ {{code}} đã dừng.', 'Lý do: {{reason}}', 'Tra cứu hồ sơ: {{link}}'],
        sms: 'Hồ sơ {{code}} đã dừng xử lý. Lý do: {{reasonShort}}',
        zns: ['applicantName', 'code', 'reason'],
      },
      en: {
        subject: 'Processing of dossier {{code}} stopped',
        body: [
          'Processing of dossier {{code}} has been stopped.',
          'Reason: {{reason}}',
          'Track your dossier: {{link}}',
        ],
        sms: 'Processing of dossier {{code}} stopped. Reason: {{reasonShort}}',
        zns: ['applicantName', 'code', 'reason'],
      },
    },
  },
  {
    audience: 'applicant',
    event: 'dossier.apologized',
    copy: {
      vi: {
        subject: 'Thư xin lỗi về việc trễ hẹn hồ sơ {{code}}',
        body: [
          'Cơ quan giải quyết thành thật xin lỗi Ông/Bà vì hồ sơ {{code}} chưa có kết quả đúng ngày hẹn {{previousAppointment}}.',
          'Lý do: {{reason}}',
          'Ngày hẹn trả kết quả mới: {{newAppointment}}.',
          'Tra cứu hồ sơ: {{link}}',
        ],
        sms: 'Xin lỗi Ông/Bà: hồ sơ {{code}} trễ hẹn. Hẹn mới: {{newAppointment}}. Lý do: {{reasonShort}}',
        zns: ['applicantName', 'code', 'previousAppointment', 'newAppointment', 'reason'],
      },
      en: {
        subject: 'Apology: dossier {{code}} is delayed',
        body: [
          'We sincerely apologize: dossier {{code}} could not be completed by the appointment date of {{previousAppointment}}.',
          'Reason: {{reason}}',
          'New appointment date: {{newAppointment}}.',
          'Track your dossier: {{link}}',
        ],
        sms: 'Sorry: dossier {{code}} is delayed. New date: {{newAppointment}}. Reason: {{reasonShort}}',
        zns: ['applicantName', 'code', 'previousAppointment', 'newAppointment', 'reason'],
      },
    },
  },
  {
    audience: 'applicant',
    event: 'dossier.withdrawn',
    copy: {
      vi: {
        subject: 'Hồ sơ {{code}} đã được rút',
        body: [
          'Hồ sơ {{code}} đã được rút theo yêu cầu của Ông/Bà.',
          'Nếu Ông/Bà không yêu cầu rút hồ sơ, vui lòng liên hệ Bộ phận Một cửa.',
        ],
        sms: 'Hồ sơ {{code}} đã được rút theo yêu cầu của Ông/Bà.',
        zns: ['applicantName', 'code'],
      },
      en: {
        subject: 'Dossier {{code}} withdrawn',
        body: [
          'Dossier {{code}} has been withdrawn at your request.',
          'If you did not ask for this, please contact the one-stop desk.',
        ],
        sms: 'Dossier {{code}} has been withdrawn at your request.',
        zns: ['applicantName', 'code'],
      },
    },
  },
];

// Officials are told by email (SMS as the fallback); Zalo ZNS is the province's channel to citizens only.
const OFFICIAL_COPY: CatalogEntry[] = [
  {
    audience: 'official',
    event: 'dossier.submitted',
    copy: {
      vi: {
        subject: 'Hồ sơ mới chờ tiếp nhận: {{code}}',
        body: [
          'Có hồ sơ mới nộp trực tuyến chờ tiếp nhận.',
          'Mã hồ sơ: {{code}}\nThủ tục: {{procedureName}}\nNgười nộp: {{applicantName}}',
          'Xem hồ sơ: {{link}}',
        ],
        sms: 'Hồ sơ mới {{code}} chờ tiếp nhận.',
      },
      en: {
        subject: 'New dossier awaiting reception: {{code}}',
        body: [
          'A new dossier was submitted online and awaits reception.',
          'Dossier code: {{code}}\nProcedure: {{procedureName}}\nApplicant: {{applicantName}}',
          'Open the dossier: {{link}}',
        ],
        sms: 'New dossier {{code}} awaits reception.',
      },
    },
  },
  {
    audience: 'official',
    event: 'dossier.supplemented',
    copy: {
      vi: {
        subject: 'Hồ sơ {{code}} đã được bổ sung',
        body: [
          'Người nộp đã bổ sung hồ sơ {{code}} ("{{procedureName}}"). Thời hạn giải quyết được tính tiếp.',
          'Người nộp: {{applicantName}}',
          'Xem hồ sơ: {{link}}',
        ],
        sms: 'Hồ sơ {{code}} đã được người nộp bổ sung; thời hạn giải quyết được tính tiếp.',
      },
      en: {
        subject: 'Dossier {{code}} supplemented',
        body: [
          'The applicant has supplemented dossier {{code}} ("{{procedureName}}"). The processing time runs again.',
          'Applicant: {{applicantName}}',
          'Open the dossier: {{link}}',
        ],
        sms: 'Dossier {{code}} was supplemented by the applicant; the processing time runs again.',
      },
    },
  },
  {
    audience: 'official',
    event: 'alert.due_soon',
    copy: {
      vi: {
        subject: 'Sắp đến hạn: hồ sơ {{code}}',
        body: [
          'Hồ sơ {{code}} sẽ đến hạn trả kết quả vào {{appointment}} (trong vòng một ngày làm việc).',
          'Xem hồ sơ: {{link}}',
        ],
        sms: 'Hồ sơ {{code}} sắp đến hạn trả kết quả: {{appointment}}.',
      },
      en: {
        subject: 'Due soon: dossier {{code}}',
        body: ['Dossier {{code}} is due on {{appointment}}, within one working day.', 'Open the dossier: {{link}}'],
        sms: 'Dossier {{code}} is due soon: {{appointment}}.',
      },
    },
  },
  {
    audience: 'official',
    event: 'alert.overdue',
    copy: {
      vi: {
        subject: 'Quá hạn: hồ sơ {{code}}',
        body: [
          'Hồ sơ {{code}} đã quá hạn trả kết quả ({{appointment}}).',
          'Đề nghị khẩn trương giải quyết và gửi thư xin lỗi kèm ngày hẹn mới cho người nộp.',
          'Xem hồ sơ: {{link}}',
        ],
        sms: 'Hồ sơ {{code}} đã quá hạn trả kết quả ({{appointment}}).',
      },
      en: {
        subject: 'Overdue: dossier {{code}}',
        body: [
          'Dossier {{code}} is overdue: it was due on {{appointment}}.',
          'Please settle it promptly and send the applicant an apology letter with a new appointment date.',
          'Open the dossier: {{link}}',
        ],
        sms: 'Dossier {{code}} is overdue: it was due on {{appointment}}.',
      },
    },
  },
];

/** Static template text is escaped here, once; values are escaped at render time. */
function htmlFrom(subject: string, paragraphs: string[], language: Language): string {
  const body = paragraphs
    .map((p) => {
      const escaped = escapeHtml(p)
        .replace(/\{\{link\}\}/g, '<a href="{{link}}">{{link}}</a>')
        .replace(/\n/g, '<br>\n');
      return `<p>${escaped}</p>`;
    })
    .join('\n');
  return (
    `<!doctype html>\n<html lang="${language}">\n<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>\n` +
    `<body>\n${body}\n</body>\n</html>\n`
  );
}

function expand(entry: CatalogEntry): Template[] {
  const templates: Template[] = [];
  for (const language of LANGUAGES) {
    const copy = entry.copy[language];
    const paragraphs = entry.audience === 'applicant' ? [GREETING[language], ...copy.body] : copy.body;
    const base = { version: 1, event: entry.event, audience: entry.audience, language };
    const idOf = (channel: NotificationChannel) => `${entry.audience}.${entry.event}.${channel}.${language}`;
    const emailParagraphs = [...paragraphs, FOOTER[language]];
    templates.push({
      ...base,
      id: idOf('email'),
      channel: 'email',
      subject: copy.subject,
      text: emailParagraphs.join('\n\n'),
      html: htmlFrom(copy.subject, emailParagraphs, language),
    });
    templates.push({ ...base, id: idOf('sms'), channel: 'sms', text: copy.sms });
    if (copy.zns !== undefined) {
      templates.push({
        ...base,
        id: idOf('zalo'),
        channel: 'zalo',
        text: paragraphs.join('\n\n'),
        // Placeholder until the province registers the template with Zalo; see `withZnsTemplateIds`.
        znsTemplateId: idOf('zalo'),
        znsParams: copy.zns,
      });
    }
  }
  return templates;
}

/** The built-in catalog: every (audience, event) in Vietnamese and English, for each channel it is sent on. */
export const TEMPLATES: readonly Template[] = Object.freeze([...APPLICANT_COPY, ...OFFICIAL_COPY].flatMap(expand));

/** Typical values, used by the admin preview and to keep SMS within one segment. */
export const SAMPLE_VARS: Record<Language, TemplateVars> = {
  vi: {
    applicantName: 'Nguyễn Thị Hồng Nhung',
    code: '000.00.15.H19-261122-0001',
    procedureName: 'Chứng thực bản sao từ bản chính',
    appointment: '25/11/2026 16:30',
    newAppointment: '02/12/2026 16:30',
    previousAppointment: '25/11/2026 16:30',
    reason: 'Bản sao giấy tờ tùy thân không rõ nét, đề nghị nộp lại bản chụp rõ hơn.',
    reasonShort: 'Bản sao giấy tờ tùy thân không rõ nét, đề nghị...',
    amount: '100.000 ₫',
    receiptNumber: 'BL-2026-000123',
    howToCollect: 'trực tiếp tại Bộ phận Một cửa',
    link: 'https://dichvucong.tinh.gov.vn/dossiers/000.00.15.H19-261122-0001',
  },
  en: {
    applicantName: 'Nguyen Thi Hong Nhung',
    code: '000.00.15.H19-261122-0001',
    procedureName: 'Chứng thực bản sao từ bản chính',
    appointment: '25/11/2026 16:30 (GMT+7)',
    newAppointment: '02/12/2026 16:30 (GMT+7)',
    previousAppointment: '25/11/2026 16:30 (GMT+7)',
    reason: 'The copy of the identity document is not legible; please upload a clearer scan.',
    reasonShort: 'The copy of the identity document is not legi...',
    amount: '100,000 VND',
    receiptNumber: 'BL-2026-000123',
    howToCollect: 'in person, at the one-stop desk',
    link: 'https://dichvucong.tinh.gov.vn/dossiers/000.00.15.H19-261122-0001',
  },
};
