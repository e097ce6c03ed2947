import { describe, expect, test } from 'vitest';
import { isGsm7 } from '#notifications/domain/format.ts';
import {
  AUDIENCES,
  getTemplate,
  LANGUAGES,
  MissingTemplateVariablesError,
  NOTIFICATION_EVENTS,
  previewTemplates,
  renderTemplate,
  SAMPLE_VARS,
  selectTemplate,
  TEMPLATES,
  type Template,
  templateSchema,
  templateVariables,
  withZnsTemplateIds,
} from '#notifications/domain/templates.ts';

const APPLICANT_EVENTS = [
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
] as const;
const OFFICIAL_EVENTS = ['dossier.submitted', 'dossier.supplemented', 'alert.due_soon', 'alert.overdue'] as const;

const find = (id: string): Template => {
  const t = TEMPLATES.find((x) => x.id === id);
  if (!t) throw new Error(`no template ${id}`);
  return t;
};

describe('the catalog', () => {
  test('covers every applicant notice on email, SMS and Zalo in Vietnamese and English', () => {
    for (const event of APPLICANT_EVENTS) {
      for (const language of LANGUAGES) {
        for (const channel of ['email', 'sms', 'zalo'] as const) {
          expect(
            selectTemplate(TEMPLATES, { event, audience: 'applicant', channel, language }),
            `${event} ${channel} ${language}`,
          ).toBeDefined();
        }
      }
    }
  });

  test('covers every official notice by email and SMS in both languages, and never by Zalo', () => {
    for (const event of OFFICIAL_EVENTS) {
      for (const language of LANGUAGES) {
        expect(selectTemplate(TEMPLATES, { event, audience: 'official', channel: 'email', language })).toBeDefined();
        expect(selectTemplate(TEMPLATES, { event, audience: 'official', channel: 'sms', language })).toBeDefined();
        expect(selectTemplate(TEMPLATES, { event, audience: 'official', channel: 'zalo', language })).toBeUndefined();
      }
    }
  });

  test('every template passes its own schema and ids are unique per version', () => {
    const keys = new Set<string>();
    for (const t of TEMPLATES) {
      expect(templateSchema.safeParse(t).success, t.id).toBe(true);
      keys.add(`${t.id}@${t.version}`);
    }
    expect(keys.size).toBe(TEMPLATES.length);
    // 11 applicant notices × 2 languages × 3 channels + 4 official notices × 2 languages × 2 channels.
    expect(TEMPLATES.length).toBe(11 * 2 * 3 + 4 * 2 * 2);
  });

  test('every template renders in both languages with no placeholder left over', () => {
    for (const t of TEMPLATES) {
      const rendered = renderTemplate(t, SAMPLE_VARS[t.language]);
      const parts = [rendered.subject, rendered.text, rendered.html, ...Object.values(rendered.zns?.data ?? {})];
      for (const part of parts) {
        if (part === undefined) continue;
        expect(part, t.id).not.toContain('{{');
        expect(part, t.id).not.toContain('}}');
      }
      if (t.channel === 'email') expect(rendered.subject, t.id).toBeTruthy();
    }
  });

  test('Vietnamese texts are written with diacritics, English ones are not Vietnamese', () => {
    for (const t of TEMPLATES) {
      if (t.language === 'vi') expect(t.text, t.id).toMatch(/[ồơđáếệ]/);
      else expect(t.text, t.id).not.toMatch(/Hồ sơ|đã/);
    }
  });

  test('only known events, audiences and channels appear', () => {
    for (const t of TEMPLATES) {
      expect(NOTIFICATION_EVENTS).toContain(t.event);
      expect(AUDIENCES).toContain(t.audience);
    }
  });
});

describe('renderTemplate', () => {
  test('fills the appointment date into the Vietnamese received email', () => {
    const t = find('applicant.dossier.received.email.vi');
    const rendered = renderTemplate(t, { ...SAMPLE_VARS.vi, appointment: '25/11/2026 16:30' });
    expect(rendered.subject).toBe('Hồ sơ 000.00.15.H19-261122-0001 đã được tiếp nhận');
    expect(rendered.text).toContain('Ngày hẹn trả kết quả: 25/11/2026 16:30.');
    expect(rendered.text.startsWith('Kính gửi Nguyễn Thị Hồng Nhung,')).toBe(true);
  });

  test('sends SMS unaccented by default and accented on request', () => {
    const t = find('applicant.dossier.received.sms.vi');
    const vars = { code: 'ABC-1', appointment: '25/11/2026 16:30' };
    expect(renderTemplate(t, vars).text).toBe('Ho so ABC-1 da duoc tiep nhan. Ngay hen tra ket qua: 25/11/2026 16:30.');
    expect(renderTemplate(t, vars, { sms: 'accented' }).text).toBe(
      'Hồ sơ ABC-1 đã được tiếp nhận. Ngày hẹn trả kết quả: 25/11/2026 16:30.',
    );
  });

  test('a Vietnamese amount survives the SMS conversion as VND', () => {
    const t = find('applicant.dossier.payment_requested.sms.vi');
    const text = renderTemplate(t, { code: 'X-1', amount: '100.000 ₫', link: 'https://a.vn/p' }).text;
    expect(text).toBe('Ho so X-1: vui long nop phi, le phi 100.000 VND tai https://a.vn/p');
  });

  test('SMS stay within one GSM-7 segment for typical values', () => {
    for (const t of TEMPLATES.filter((x) => x.channel === 'sms')) {
      const vars = { ...SAMPLE_VARS[t.language] };
      if (t.event === 'dossier.payment_requested') vars.link = `${vars.link}/pay`;
      const { text } = renderTemplate(t, vars);
      expect(text.length, `${t.id}: ${text}`).toBeLessThanOrEqual(160);
      expect(isGsm7(text), `${t.id}: ${text}`).toBe(true);
    }
  });

  test('escapes values in the HTML body but not in the plain text or subject', () => {
    const t = find('applicant.dossier.rejected.email.en');
    const rendered = renderTemplate(t, {
      ...SAMPLE_VARS.en,
      applicantName: 'Tom & <Jerry>',
      reason: '<script>alert("x")</script>',
    });
    expect(rendered.html).toContain('Dear Tom &amp; &lt;Jerry&gt;,');
    expect(rendered.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(rendered.html).not.toContain('<script>');
    expect(rendered.text).toContain('Reason: <script>alert("x")</script>');
  });

  test('escapes a link placed in an attribute', () => {
    const t = find('applicant.dossier.received.email.vi');
    const rendered = renderTemplate(t, { ...SAMPLE_VARS.vi, link: 'https://a.vn/x?a=1&b="2"' });
    expect(rendered.html).toContain('<a href="https://a.vn/x?a=1&amp;b=&quot;2&quot;">');
  });

  test('refuses to render with a variable missing, naming it', () => {
    const t = find('applicant.dossier.rejected.sms.vi');
    let thrown: unknown;
    try {
      renderTemplate(t, { code: 'X-1' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(MissingTemplateVariablesError);
    expect((thrown as MissingTemplateVariablesError).missing).toEqual(['reasonShort']);
  });

  test('does not expand placeholders that arrive inside values', () => {
    const t = find('applicant.dossier.rejected.sms.en');
    const { text } = renderTemplate(t, { code: 'X-1', reasonShort: '{{code}}' });
    expect(text).toBe('Dossier X-1 was not accepted. Reason: {{code}}');
  });

  test('Zalo renders the ZNS template id and parameters in registered order', () => {
    const t = find('applicant.dossier.apologized.zalo.vi');
    const vars = { ...SAMPLE_VARS.vi };
    const { zns } = renderTemplate(t, vars);
    expect(zns?.templateId).toBe(t.znsTemplateId);
    expect(Object.keys(zns?.data ?? {})).toEqual([
      'applicantName',
      'code',
      'previousAppointment',
      'newAppointment',
      'reason',
    ]);
    expect(zns?.data.newAppointment).toBe('02/12/2026 16:30');
  });

  test('templateVariables lists each variable once across subject, text, html and ZNS', () => {
    const t: Template = {
      id: 't',
      version: 1,
      event: 'dossier.received',
      audience: 'applicant',
      channel: 'email',
      language: 'vi',
      subject: '{{code}}',
      text: '{{ code }} {{appointment}}',
      html: '<p>{{link}}</p>',
    };
    expect(templateVariables(t).sort()).toEqual(['appointment', 'code', 'link']);
  });
});

describe('versions and province overrides', () => {
  const v1 = find('applicant.dossier.withdrawn.sms.vi');
  const v2: Template = { ...v1, version: 2, text: 'Hồ sơ {{code}} đã rút.' };

  test('selectTemplate picks the newest version, getTemplate the exact one', () => {
    const templates = [v2, ...TEMPLATES];
    const key = { event: 'dossier.withdrawn', audience: 'applicant', channel: 'sms', language: 'vi' } as const;
    expect(selectTemplate(templates, key)?.version).toBe(2);
    expect(getTemplate(templates, v1.id, 1)?.text).toBe(v1.text);
  });

  test('withZnsTemplateIds replaces only the Zalo templates named', () => {
    const replaced = withZnsTemplateIds(TEMPLATES, { 'applicant.dossier.received.zalo.vi': '312345' });
    expect(replaced.find((t) => t.id === 'applicant.dossier.received.zalo.vi')?.znsTemplateId).toBe('312345');
    expect(replaced.find((t) => t.id === 'applicant.dossier.received.zalo.en')?.znsTemplateId).toBe(
      'applicant.dossier.received.zalo.en',
    );
  });

  test('the schema rejects an email without subject, a Zalo template without ZNS id and a broken placeholder', () => {
    const base = find('applicant.dossier.received.email.vi');
    expect(templateSchema.safeParse({ ...base, subject: undefined }).success).toBe(false);
    const zalo = find('applicant.dossier.received.zalo.vi');
    expect(templateSchema.safeParse({ ...zalo, znsTemplateId: undefined }).success).toBe(false);
    expect(templateSchema.safeParse({ ...base, text: 'Hồ sơ {{ code } đã được tiếp nhận' }).success).toBe(false);
    expect(templateSchema.safeParse({ ...base, version: 0 }).success).toBe(false);
  });
});

describe('previewTemplates', () => {
  test('shows every audience and channel of an event in one language', () => {
    const previews = previewTemplates('dossier.submitted', 'en', SAMPLE_VARS.en);
    expect(previews.map((p) => `${p.audience}/${p.channel}`)).toEqual([
      'applicant/email',
      'applicant/sms',
      'applicant/zalo',
      'official/email',
      'official/sms',
    ]);
    expect(previews.every((p) => p.rendered.language === 'en' && p.missing.length === 0)).toBe(true);
  });

  test('leaves missing variables visible and lists them instead of failing', () => {
    const previews = previewTemplates('dossier.received', 'vi', { code: 'X-1' });
    const sms = previews.find((p) => p.channel === 'sms');
    expect(sms?.missing).toEqual(['appointment']);
    expect(sms?.rendered.text).toBe('Ho so X-1 da duoc tiep nhan. Ngay hen tra ket qua: {{appointment}}.');
  });
});
