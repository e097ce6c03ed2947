/**
 * The local stand-in national portal (DVCQG) under /dev/national-portal/. Each module below registers its routes
 * in ./routes.ts when imported; add a module by adding one import line here. The local runtime calls
 * `dispatchStandIn` for every /dev/ request before the topology's routes.
 *
 * Modules: faults (outage and delay injection), services (login, `POST /api {service}` dispatch — register a
 * service with registerPortalService). Intake side: citizen-desk (submit as a citizen, forwarding, files,
 * pending dossiers for pull), catalog (LayThuTuc, LayDanhSachTTHC, LayDanhMucCoQuan, LayDanhMucLinhVuc).
 * Outbound side (portal-sync): sync-receiver.ts, payment-platform.ts.
 */
import './faults.ts';
import './services.ts';
import './citizen-desk.ts';
import './catalog.ts';
import './sync-receiver.ts';
import './payment-platform.ts';

export {
  dispatchStandIn,
  registerPortalService,
  registerStandInRoute,
  STAND_IN_PREFIX,
  setMotcuaBaseUrl,
} from './routes.ts';
