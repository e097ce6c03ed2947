/**
 * The stand-in portal's national catalog services, as provincial systems call them:
 * `LayDanhSachTTHC` (the procedures offered for the province: MaTTHC, TenTTHC, MaLinhVuc, TenLinhVuc,
 * DanhSachCoQuan), `LayThuTuc {MaTTHC}` (one procedure), `LayDanhMucCoQuan` (MaCoQuan, TenCoQuan),
 * `LayDanhMucLinhVuc` (MaLinhVuc, TenLinhVuc).
 *
 * The national catalog is built from the province's seed (whose codes are national TTHC codes), with names as
 * the national list words them (no "tỉnh …" suffix) and two national procedures the province has no local
 * procedure for, so that "offered on DVCQG but unmapped here" has something to show.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProvinceConfig } from '#platform/province.ts';
import { stripVietnameseMarks } from '#platform/text.ts';
import { registerPortalService } from './routes.ts';

interface SeedProcedure {
  code: string;
  name: { vi: string };
  field: string;
  agencyCodes: string[];
}
interface SeedAgency {
  code: string;
  name: { vi: string };
}

/** Offered on DVCQG, not in any local seed: reported as unmapped. */
const NATIONAL_ONLY = [
  { MaTTHC: '1.010100', TenTTHC: 'Đăng ký xe ô tô lần đầu', TenLinhVuc: 'Đường bộ' },
  { MaTTHC: '2.002000', TenTTHC: 'Cấp giấy phép hoạt động karaoke', TenLinhVuc: 'Văn hóa' },
];

const fieldCode = (name: string) =>
  `LV.${[...stripVietnameseMarks(name).toUpperCase()]
    .filter((c) => /[A-Z]/.test(c))
    .join('')
    .slice(0, 12)}`;

function nationalCatalog() {
  const province = loadProvinceConfig(process.env.PROVINCE_ID ?? 'dong-nai', process.cwd());
  const folder = join(process.cwd(), 'config', 'seed', province.seed);
  const procedures = JSON.parse(readFileSync(join(folder, 'procedures.json'), 'utf8')) as SeedProcedure[];
  const agencies = JSON.parse(readFileSync(join(folder, 'agencies.json'), 'utf8')) as SeedAgency[];
  const list = [
    ...procedures.map((p) => ({
      MaTTHC: p.code,
      TenTTHC: p.name.vi,
      MaLinhVuc: fieldCode(p.field),
      TenLinhVuc: p.field,
      DanhSachCoQuan: p.agencyCodes.map((code) => ({ MaCoQuan: code })),
    })),
    ...NATIONAL_ONLY.map((p) => ({
      ...p,
      MaLinhVuc: fieldCode(p.TenLinhVuc),
      DanhSachCoQuan: [{ MaCoQuan: province.provincialAgencyCode }],
    })),
  ];
  const fields = [
    ...new Map(list.map((p) => [p.MaLinhVuc, { MaLinhVuc: p.MaLinhVuc, TenLinhVuc: p.TenLinhVuc }])).values(),
  ];
  return {
    procedures: list,
    agencies: agencies.map((a) => ({ MaCoQuan: a.code, TenCoQuan: a.name.vi.replace(/\s+tỉnh\s+.*$/u, '') })),
    fields,
  };
}

registerPortalService('LayDanhSachTTHC', async () => ({ body: { error_code: 0, data: nationalCatalog().procedures } }));

registerPortalService('LayThuTuc', async (fields) => {
  const found = nationalCatalog().procedures.find((p) => p.MaTTHC === fields.MaTTHC);
  return { body: found ? { error_code: 0, data: found } : { error_code: 404, message: 'Không có thủ tục' } };
});

registerPortalService('LayDanhMucCoQuan', async () => ({ body: { error_code: 0, data: nationalCatalog().agencies } }));

registerPortalService('LayDanhMucLinhVuc', async () => ({ body: { error_code: 0, data: nationalCatalog().fields } }));
