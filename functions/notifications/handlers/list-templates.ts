/** GET /notifications/templates — the template catalog, every version (admin). */
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { TEMPLATES } from '../domain/templates.ts';
import { routes } from '../topology.ts';

export const handler = httpHandler(routes.listTemplates, async (req) => {
  requireRole(req.identity, 'admin');
  const { event, language, audience, channel } = req.query;
  const newest = new Map<string, number>();
  for (const t of TEMPLATES) newest.set(t.id, Math.max(newest.get(t.id) ?? 0, t.version));
  const body = TEMPLATES.filter(
    (t) =>
      (event === undefined || t.event === event) &&
      (language === undefined || t.language === language) &&
      (audience === undefined || t.audience === audience) &&
      (channel === undefined || t.channel === channel),
  )
    .map((t) => ({ ...t, current: newest.get(t.id) === t.version }))
    .sort((a, b) => a.id.localeCompare(b.id) || a.version - b.version);
  return { body };
});
