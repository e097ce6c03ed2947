import { describe, expect, test } from 'vitest';
import { forwardedRecordSchema } from '../../../functions/portal/adapter/forwarded.ts';
import {
  type Forward,
  judgeResend,
  onDocumentVerdict,
  onDossierCreated,
  withConflict,
} from '../../../functions/portal/domain/forward.ts';
import { foldName, nameSimilarity, suggest } from '../../../functions/portal/domain/similarity.ts';

const AT = '2026-12-04T02:00:00.000Z';
const rec = forwardedRecordSchema.parse({
  MaHoSo: 'G1',
  MaTTHC: '1',
  ChuHoSo: 'A',
  LoaiDoiTuong: '1',
  SoDinhDanh: '001099012345',
  DonViXuLy: 'X',
});

const awaiting = (): Forward => ({
  nationalId: 'G1',
  record: rec,
  fingerprint: 'f1',
  via: 'push',
  status: 'awaiting_documents',
  receivedAt: AT,
  updatedAt: AT,
  files: [
    { fileId: 'a', fileName: 'a.pdf', requirementCode: 'R1', documentId: 'd1', state: 'staged' },
    { fileId: 'b', fileName: 'b.png', requirementCode: 'R2', documentId: 'd2', state: 'staged' },
  ],
  attempts: 1,
  conflicts: [],
  version: 1,
});

describe('a forwarded dossier', () => {
  test('is forwarded once every file is verified, not before', () => {
    const one = onDocumentVerdict(awaiting(), 'd1', { status: 'clean' }, AT)!;
    expect(one.status).toBe('awaiting_documents');
    const both = onDocumentVerdict(one, 'd2', { status: 'clean' }, AT)!;
    expect(both.status).toBe('forwarded');
    expect(both.version).toBe(3);
  });

  test('a refused file holds it with the reason', () => {
    const next = onDocumentVerdict(awaiting(), 'd2', { status: 'rejected', reason: 'type-mismatch' }, AT)!;
    expect(next.status).toBe('needs_attention');
    expect(next.hold).toMatchObject({ code: 'file-rejected' });
    expect(next.hold!.detail).toContain('type-mismatch');
  });

  test('a replayed verdict or an unknown document changes nothing', () => {
    const one = onDocumentVerdict(awaiting(), 'd1', { status: 'clean' }, AT)!;
    expect(onDocumentVerdict(one, 'd1', { status: 'clean' }, AT)).toBeUndefined();
    expect(onDocumentVerdict(awaiting(), 'other', { status: 'clean' }, AT)).toBeUndefined();
  });

  test('the created dossier ends it, once', () => {
    const accepted = onDossierCreated({ ...awaiting(), status: 'forwarded' }, 'C-1', AT)!;
    expect(accepted).toMatchObject({ status: 'accepted', dossierCode: 'C-1' });
    expect(onDossierCreated(accepted, 'C-1', AT)).toBeUndefined();
  });

  test('a re-send is the same by fingerprint; a changed one is a conflict, kept once', () => {
    const f = awaiting();
    expect(judgeResend(f, rec, 'f1', [], AT)).toEqual({ kind: 'same' });
    const verdict = judgeResend(f, rec, 'f2', ['ChuHoSo'], AT);
    expect(verdict.kind).toBe('conflict');
    if (verdict.kind !== 'conflict') return;
    const kept = withConflict(f, verdict.conflict, AT);
    expect(kept.conflicts).toHaveLength(1);
    const again = judgeResend(kept, rec, 'f2', ['ChuHoSo'], AT);
    expect(again.kind === 'conflict' && again.conflict).toBe(kept.conflicts[0]);
  });
});

describe('name similarity', () => {
  test('ignores diacritics, đ and case', () => {
    expect(foldName('Đăng ký Khai sinh')).toBe('dang ky khai sinh');
    expect(nameSimilarity('Chứng thực bản sao', 'chung thuc ban sao')).toBe(1);
  });

  test('ranks the closer name first and drops unrelated ones', () => {
    const found = suggest('Đăng ký khai sinh', [
      { code: '1', name: 'Đăng ký khai tử' },
      { code: '2', name: 'Đăng ký khai sinh (lưu động)' },
      { code: '3', name: 'Cấp giấy phép xây dựng' },
    ]);
    expect(found.map((f) => f.code)).toEqual(['2', '1']);
  });
});
