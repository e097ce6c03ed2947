/**
 * The stand-in portal's catalog and pull services: `POST /dev/national-portal/api {service, ...fields}` with
 * `Authorization: Bearer <session>` (the session from the login of sync-receiver.ts, `POST /auth`) → the
 * registered service's answer (`{error_code: 0, data}`), error_code 401 for a missing or expired session, 4 for
 * an unknown service. Modules register services with registerPortalService (routes.ts). Faults apply.
 */
import { portalService, registerStandInRoute, sendJson } from './routes.ts';
import { hasValidSession, PORTAL_ERROR } from './sync-receiver.ts';

registerStandInRoute(
  'POST',
  '/api',
  async (req, res) => {
    if (!hasValidSession(req)) {
      sendJson(res, 401, { error_code: PORTAL_ERROR.session, message: 'Phiên đăng nhập hết hạn / session expired' });
      return;
    }
    const input = req.json() as Record<string, unknown> | undefined;
    const name = typeof input?.service === 'string' ? input.service : '';
    const service = portalService(name);
    if (!service) {
      sendJson(res, 200, {
        error_code: PORTAL_ERROR.unknownService,
        message: `Không có dịch vụ ${name} / unknown service`,
      });
      return;
    }
    const answer = await service(input ?? {});
    sendJson(res, answer.status ?? 200, answer.body);
  },
  { service: true },
);
