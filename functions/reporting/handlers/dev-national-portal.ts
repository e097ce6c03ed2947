/**
 * Local development only: a stand-in of the national portal's sync service under /dev/national-portal/. It
 * checks the development credentials, stores what it receives, answers 503 while an outage is switched on, and
 * shows what it holds. One function serves its three routes.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { nowIso } from '#platform/clock.ts';
import { isLocal } from '#platform/env.ts';
import { DependencyError, NotFoundError, UnauthorizedError } from '#platform/errors.ts';
import { httpHandler } from '#platform/http.ts';
import {
  getReceivedRecord,
  isPortalDown,
  listReceivedRecords,
  setPortalDown,
  storeReceivedRecord,
} from '../store/dev-portal.ts';
import { expectedDevToken } from '../sync/portal-client.ts';
import { routes } from '../topology.ts';

const NOT_HERE = { vi: 'Chỉ có trong môi trường phát triển.', en: 'Only in local development.' };

function requireLocal(): void {
  if (!isLocal()) throw new NotFoundError(NOT_HERE);
}

const receive = httpHandler(routes.devPortalReceive, async (req) => {
  requireLocal();
  if (req.headers.authorization !== `Bearer ${expectedDevToken()}`) {
    throw new UnauthorizedError({ vi: 'Sai thông tin xác thực.', en: 'Wrong national-portal credentials.' });
  }
  if (await isPortalDown()) {
    throw new DependencyError({
      vi: 'Cổng DVCQG đang gián đoạn (giả lập).',
      en: 'National portal outage (simulated).',
    });
  }
  const code = req.body.MaHoSo;
  const receivedCount = await storeReceivedRecord(code, req.body, nowIso());
  return { body: { received: true, code, receivedCount } };
});

const records = httpHandler(routes.devPortalRecords, async (req) => {
  requireLocal();
  if (req.query.code === undefined) return { body: { items: await listReceivedRecords() } };
  const found = await getReceivedRecord(req.query.code);
  if (!found) throw new NotFoundError({ vi: 'Cổng chưa nhận hồ sơ này.', en: 'The portal has no such dossier.' });
  return { body: found };
});

const outage = httpHandler(routes.devPortalOutage, async (req) => {
  requireLocal();
  await setPortalDown(req.body.down, nowIso());
  return { body: { down: req.body.down } };
});

const byRoute = new Map<string, (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>>([
  [`${routes.devPortalReceive.method} ${routes.devPortalReceive.path}`, receive],
  [`${routes.devPortalRecords.method} ${routes.devPortalRecords.path}`, records],
  [`${routes.devPortalOutage.method} ${routes.devPortalOutage.path}`, outage],
]);

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<unknown> => {
  const route = byRoute.get(event.routeKey);
  if (!route) return { statusCode: 404, body: JSON.stringify({ message: 'Not Found' }) };
  return route(event, context);
};
