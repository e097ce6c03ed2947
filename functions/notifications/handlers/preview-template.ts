/** GET /notifications/templates/{id}/preview — a template rendered with typical values (admin). */
import { NotFoundError } from '#platform/errors.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { renderTemplate, SAMPLE_VARS, TEMPLATES, templateVariables } from '../domain/templates.ts';
import { routes } from '../topology.ts';

export const handler = httpHandler(routes.previewTemplate, async (req) => {
  requireRole(req.identity, 'admin');
  const versions = TEMPLATES.filter((t) => t.id === req.params.id);
  const template =
    req.query.version === undefined
      ? versions.reduce<(typeof versions)[number] | undefined>(
          (a, b) => (a && a.version >= b.version ? a : b),
          undefined,
        )
      : versions.find((t) => t.version === req.query.version);
  if (template === undefined) {
    throw new NotFoundError({
      vi: `Không có mẫu thông báo ${req.params.id}${req.query.version ? ` phiên bản ${req.query.version}` : ''}.`,
      en: `No notification template ${req.params.id}${req.query.version ? ` version ${req.query.version}` : ''}.`,
    });
  }
  // Sample values in the template's own language: dates and money read as the recipient would see them.
  const sample = SAMPLE_VARS[template.language];
  const rendered = renderTemplate(template, sample, { missing: 'keep' });
  return {
    body: {
      templateId: template.id,
      templateVersion: template.version,
      event: template.event,
      audience: template.audience,
      channel: template.channel,
      language: template.language,
      ...(rendered.subject === undefined ? {} : { subject: rendered.subject }),
      text: rendered.text,
      ...(rendered.html === undefined ? {} : { html: rendered.html }),
      ...(rendered.zns === undefined ? {} : { zns: rendered.zns }),
      missing: templateVariables(template).filter((name) => sample[name] === undefined),
    },
  };
});
