/**
 * Fault injection for the stand-in portal's services: `GET /dev/national-portal/faults` shows them,
 * `POST /dev/national-portal/faults {"down": true, "delayMs": 3000}` sets them (either field may be left out).
 */
import { currentFaults, registerStandInRoute, sendJson, setFaults } from './routes.ts';

registerStandInRoute('GET', '/faults', async (_req, res) => sendJson(res, 200, currentFaults()));

registerStandInRoute('POST', '/faults', async (req, res) => {
  const input = req.json() as { down?: unknown; delayMs?: unknown } | undefined;
  const down = input?.down;
  const delayMs = input?.delayMs;
  if (
    !input ||
    (down !== undefined && typeof down !== 'boolean') ||
    (delayMs !== undefined && (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0))
  ) {
    sendJson(res, 400, { title: 'Expected {"down"?: boolean, "delayMs"?: non-negative number}', status: 400 });
    return;
  }
  sendJson(
    res,
    200,
    setFaults({ ...(down !== undefined ? { down } : {}), ...(delayMs !== undefined ? { delayMs } : {}) }),
  );
});
