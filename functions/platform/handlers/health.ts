import { httpHandler } from '#platform/http.ts';
import { routes } from '../topology.ts';

export const handler = httpHandler(routes.health, async () => ({
  body: { status: 'ok' },
  headers: { 'cache-control': 'no-store' },
}));
