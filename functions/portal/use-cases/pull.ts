/**
 * Pull delivery and the national catalog: fetch what the portal holds for the province.
 * - pending dossiers (LayDanhSachHoSoChuyen): each goes through the same intake as a push; once taken in (or
 *   held for an official — it is kept either way) the portal is told (XacNhanHoSoDaNhan) so it stops offering it.
 * - then pending supplements (LayDanhSachHoSoBoSung): each round through the same use case as a push of
 *   POST /portal/dvcqg/supplements, confirmed with XacNhanHoSoBoSungDaNhan. A portal that does not offer the
 *   service fails only this part (logged, in the outcome), never the dossiers taken in before it.
 * - the national catalog (LayDanhSachTTHC, LayDanhMucCoQuan, LayDanhMucLinhVuc), stored for the mapping page.
 */
import { logger } from '#platform/observability.ts';
import { forwardedRecordSchema } from '../adapter/forwarded.ts';
import {
  callService,
  type NationalAgencyRecord,
  type NationalFieldRecord,
  type NationalProcedureRecord,
  SERVICES,
} from '../adapter/services.ts';
import { supplementRecordSchema } from '../adapter/supplement.ts';
import * as store from '../store.ts';
import { receiveForwarded } from './intake.ts';
import { receiveSupplement } from './supplements.ts';

export interface PullCounts {
  offered: number;
  takenIn: number;
  unreadable: number;
}

export interface PullOutcome extends PullCounts {
  /** The supplementation rounds pulled after the dossiers, or why they could not be. */
  supplements: PullCounts | { error: string };
}

export async function pullForwarded(at: Date): Promise<PullOutcome> {
  const pending = await callService<unknown[]>(SERVICES.pendingDossiers);
  const outcome: PullCounts = { offered: pending.length, takenIn: 0, unreadable: 0 };
  for (const raw of pending) {
    const parsed = forwardedRecordSchema.safeParse(raw);
    if (!parsed.success) {
      // Without a MaHoSo nothing can be kept or confirmed: the portal keeps offering it, the log says why.
      outcome.unreadable += 1;
      logger.error('unreadable pending dossier from the national portal', { issues: parsed.error.issues.length });
      continue;
    }
    const result = await receiveForwarded(parsed.data, 'pull', at);
    if (result.status === 202) {
      await callService(SERVICES.confirmReceived, {
        MaHoSo: parsed.data.MaHoSo,
        TrangThaiTiepNhan: result.answer.TrangThaiTiepNhan,
      });
      outcome.takenIn += 1;
    }
  }
  let supplements: PullOutcome['supplements'];
  try {
    supplements = await pullSupplements(at);
  } catch (error) {
    logger.error('pending supplements could not be pulled from the national portal', {
      error: (error as Error).message,
    });
    supplements = { error: (error as Error).message };
  }
  return { ...outcome, supplements };
}

export async function pullSupplements(at: Date): Promise<PullCounts> {
  const pending = await callService<unknown[]>(SERVICES.pendingSupplements);
  const outcome: PullCounts = { offered: pending.length, takenIn: 0, unreadable: 0 };
  for (const raw of pending) {
    const parsed = supplementRecordSchema.safeParse(raw);
    if (!parsed.success) {
      outcome.unreadable += 1;
      logger.error('unreadable pending supplement from the national portal', { issues: parsed.error.issues.length });
      continue;
    }
    const result = await receiveSupplement(parsed.data, 'pull', at);
    if (result.status === 202) {
      await callService(SERVICES.confirmSupplementReceived, {
        MaHoSo: parsed.data.MaHoSo,
        HoSoBoSungId: parsed.data.HoSoBoSungId,
        TrangThaiTiepNhan: result.answer.TrangThaiTiepNhan,
      });
      outcome.takenIn += 1;
    }
  }
  return outcome;
}

export async function pullNationalCatalog(at: Date) {
  const [procedures, agencies, fields] = await Promise.all([
    callService<NationalProcedureRecord[]>(SERVICES.procedures),
    callService<NationalAgencyRecord[]>(SERVICES.agencies),
    callService<NationalFieldRecord[]>(SERVICES.fields),
  ]);
  const pulledAt = at.toISOString();
  await store.putItems(
    store.nationalItems(
      procedures.map((p) => ({
        nationalCode: p.MaTTHC,
        name: p.TenTTHC,
        ...(p.MaLinhVuc ? { fieldCode: p.MaLinhVuc } : {}),
        ...(p.TenLinhVuc ? { fieldName: p.TenLinhVuc } : {}),
        agencyCodes: (p.DanhSachCoQuan ?? []).map((a) => a.MaCoQuan),
      })),
      agencies.map((a) => ({ code: a.MaCoQuan, name: a.TenCoQuan })),
      fields.map((f) => ({ code: f.MaLinhVuc, name: f.TenLinhVuc })),
      pulledAt,
    ),
  );
  return { procedures: procedures.length, agencies: agencies.length, fields: fields.length, pulledAt };
}
