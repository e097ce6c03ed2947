/**
 * The local stand-in national portal (DVCQG) under /dev/national-portal/. Each module below registers its routes
 * in ./routes.ts when imported; add a module by adding one import line here. The local runtime calls
 * `dispatchStandIn` for every /dev/ request before the topology's routes.
 *
 * Modules: faults (outage and delay injection). Intake side: citizen desk and forwarding, national catalog.
 * Outbound side (portal-sync): sync-receiver.ts, payment-platform.ts.
 */
import './faults.ts';
import './sync-receiver.ts';

export { dispatchStandIn, registerStandInRoute, STAND_IN_PREFIX, setMotcuaBaseUrl } from './routes.ts';
