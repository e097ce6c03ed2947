/**
 * The slips as PDFs: rendered from a dossier built by the domain, read back with pdftotext (poppler-utils), so
 * what is asserted is the text a person sees, diacritics included.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyAction, createDossier } from '#dossiers/domain/decide.ts';
import type { Dossier } from '#dossiers/domain/model.ts';
import { type AgencyNames, planSlip, type SlipKind, unavailableReason } from '#dossiers/slips/forms.ts';
import { renderSlip } from '#dossiers/slips/render.ts';
import { at, calendar, HOME, newDossierInput, OWNER_ID, officer } from './fixtures.ts';

const COMMUNE = '000.01.21.H19';
const deskOfficer = {
  sub: 'cb-tb-01',
  name: 'Lê Thị Hồng',
  title: 'Công chức Một cửa',
  agencyCode: COMMUNE,
  role: 'officer' as const,
};

const names: AgencyNames = {
  nameOf: (code) =>
    ({ [HOME]: 'Sở Tư pháp tỉnh Đồng Nai', [COMMUNE]: 'Ủy ban nhân dân phường Trấn Biên' })[code] ?? code,
  parentOf: (code) => (code === COMMUNE ? 'Ủy ban nhân dân tỉnh Đồng Nai' : 'Ủy ban nhân dân tỉnh Đồng Nai'),
};
const settings = { placeName: 'Đồng Nai', statusLookupUrl: 'https://dichvucong.dongnai.gov.vn/tra-cuu-ho-so' };
const context = {
  names,
  settings,
  address: 'Số 12 đường Võ Thị Sáu, phường Trấn Biên',
  requirementName: (c: string) => `Giấy tờ ${c}`,
};

function receivedAtCounter(): Dossier {
  const input = newDossierInput();
  const created = createDossier(
    {
      ...input,
      channel: 'in_person',
      receivingAgencyCode: COMMUNE,
      applicant: { idNumber: OWNER_ID, fullName: 'Nguyễn Thị Thu Hằng', type: 'citizen', language: 'vi' },
    },
    { now: at('2026-12-03T09:15:00+07:00'), actor: deskOfficer },
  );
  return applyAction(
    created.dossier,
    { type: 'receive' },
    { now: at('2026-12-03T09:15:00+07:00'), actor: deskOfficer, calendar },
  ).dossier;
}

function pdfText(bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'slip-'));
  const file = join(dir, 'slip.pdf');
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('slips', () => {
  it('the receipt names the dossier, the applicant with diacritics, the desk, the appointment and the official', async () => {
    const d = receivedAtCounter();
    const plan = planSlip(d, 'receipt', context);
    const text = pdfText(await renderSlip(plan.content));
    expect(text).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    expect(text).toContain('Mẫu số 01');
    expect(text).toContain(d.code);
    expect(text).toContain('Nguyễn Thị Thu Hằng');
    expect(text).toContain('ỦY BAN NHÂN DÂN PHƯỜNG TRẤN'); // the desk, wrapped in the header's left column
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('Sở Tư pháp tỉnh Đồng Nai');
    expect(text).toContain('Lê Thị Hồng');
    expect(text).toContain('Trực tiếp tại Bộ phận Một cửa');
    // Received Thursday 3 Dec 2026 at 09:15, three working days: Tuesday 8 Dec at 09:15.
    expect(d.appointmentAt).toBe('2026-12-08T09:15:00+07:00');
    expect(text).toContain('09 giờ 15 phút, ngày 08/12/2026');
  });

  it('a receipt printed once the fee is paid says so, with the receipt number; before, it says unpaid', async () => {
    const d = receivedAtCounter();
    expect(d.feeTotal).toBe(100_000);
    const unpaid = planSlip(d, 'receipt', context);
    expect(pdfText(await renderSlip(unpaid.content))).toContain('Chưa nộp');
    const paid = applyAction(
      d,
      {
        type: 'payment-completed',
        paymentId: 'pay-1',
        amount: 100_000,
        paidOnline: false,
        receipt: { number: '0000123', issuedAt: '2026-12-03T09:20:00+07:00' },
      },
      // Recorded by the payments context (the system), whoever took the money.
      { now: at('2026-12-03T09:20:00+07:00'), actor: { sub: 'payments', role: 'system' }, calendar },
    ).dossier;
    const plan = planSlip(paid, 'receipt', context);
    // Another slip than the one handed over unpaid: the stored one is never overwritten.
    expect(plan.variant).not.toBe(unpaid.variant);
    const text = pdfText(await renderSlip(plan.content));
    expect(text).toContain('Đã nộp tại Bộ phận Một cửa, biên lai số 0000123 ngày');
    expect(text).toContain('100.000 đồng');
  });

  it('the same dossier gives the same bytes; another state of it another control sheet', async () => {
    const d = receivedAtCounter();
    const first = await renderSlip(planSlip(d, 'receipt', context).content);
    const again = await renderSlip(planSlip(structuredClone(d), 'receipt', context).content);
    expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
    const started = applyAction(
      d,
      { type: 'start-processing' },
      { now: at('2026-12-03T10:00:00+07:00'), actor: officer, calendar },
    ).dossier;
    expect(planSlip(started, 'control-sheet', context).variant).not.toBe(planSlip(d, 'control-sheet', context).variant);
    const sheet = pdfText(await renderSlip(planSlip(started, 'control-sheet', context).content));
    expect(sheet).toContain('PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ');
    expect(sheet).toContain('start-processing');
  });

  it('each kind is available only when its event happened', () => {
    const d = receivedAtCounter();
    const available = (['receipt', 'supplement-request', 'refusal', 'apology', 'control-sheet'] as SlipKind[]).filter(
      (kind) => unavailableReason(d, kind) === undefined,
    );
    expect(available).toEqual(['receipt', 'control-sheet']);
  });

  it('the refusal carries the reason; the apology both dates', async () => {
    const input = newDossierInput();
    const created = createDossier(input, { now: at('2026-12-03T09:00:00+07:00'), actor: deskOfficer }).dossier;
    const rejected = applyAction(
      created,
      { type: 'reject', reason: 'Thiếu bản chính giấy khai sinh để đối chiếu' },
      { now: at('2026-12-03T09:30:00+07:00'), actor: officer, calendar },
    ).dossier;
    const refusal = pdfText(await renderSlip(planSlip(rejected, 'refusal', context).content));
    expect(refusal).toContain('PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ');
    expect(refusal).toMatch(/Thiếu bản chính giấy khai sinh/);

    const received = applyAction(
      created,
      { type: 'receive' },
      { now: at('2026-12-03T09:30:00+07:00'), actor: officer, calendar },
    ).dossier;
    const apologized = applyAction(
      received,
      { type: 'apologize', reason: 'Cần xác minh thêm', newAppointmentDate: '2026-12-15' },
      { now: at('2026-12-04T09:30:00+07:00'), actor: { ...officer, role: 'leader' }, calendar },
    ).dossier;
    const apology = pdfText(await renderSlip(planSlip(apologized, 'apology', context).content));
    expect(apology).toContain('PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ');
    expect(apology).toContain('08/12/2026');
    expect(apology).toContain('15/12/2026');
  });
});
