/**
 * Pull delivery and the national catalog: fetch what the portal holds for the province.
 * - pending dossiers (LayDanhSachHoSoChuyen): each goes through the same intake as a push; once taken in (or
 *   held for an official — it is kept either way) the portal is told (XacNhanHoSoDaNhan) so it stops offering it.
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
import * as store from '../store.ts';
import { receiveForwarded } from './intake.ts';

export interface PullOutcome {
  offered: number;
  takenIn: number;
  unreadable: number;
}

export async function pullForwarded(at: Date): Promise<PullOutcome> {
  const pending = await callService<unknown[]>(SERVICES.pendingDossiers);
  const outcome: PullOutcome = { offered: pending.length, takenIn: 0, unreadable: 0 };
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
