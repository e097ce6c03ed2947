/** POST /catalog/imports — import agencies or procedures, validated row by row, all or nothing (admin). */
import { ValidationError } from '#platform/errors.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { importCatalog } from '../use-cases.ts';

export const handler = httpHandler(routes.importCatalog, async (req) => {
  const admin = requireRole(req.identity, 'admin');
  const { kind, format, content } = req.body;
  const result = await importCatalog(kind, content, { actor: { sub: admin.sub }, ...(format ? { format } : {}) });
  if (!result.ok) {
    // Each error keeps its row and field apart too, so that tools can print "row N, field F: message".
    const errors = result.errors.map((e) => ({
      path: ['rows', String(e.row), ...(e.field === '' ? [] : [e.field])].join('.'),
      row: e.row,
      field: e.field,
      message: e.message,
    }));
    const rows = new Set(result.errors.map((e) => e.row)).size;
    throw new ValidationError(errors, {
      vi: `Tệp có lỗi ở ${rows} dòng; không có dữ liệu nào được nhập.`,
      en: `The file has errors in ${rows} row(s); nothing was imported.`,
    });
  }
  return { body: result.summary };
});
