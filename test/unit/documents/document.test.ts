import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  cleanKey,
  type DocumentRecord,
  isUsable,
  onScanned,
  onVerified,
  type ScanVerdict,
  type Transition,
  verifyUpload,
} from '#documents/domain/document.ts';

const PDF_HEAD = new Uint8Array(Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'));
const MZ_HEAD = new Uint8Array(Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00', 'latin1'));
const HASH = 'a'.repeat(64);
const AT = '2025-06-02T09:00:00.000Z';

function pendingDoc(changes: Partial<DocumentRecord> = {}): DocumentRecord {
  return {
    documentId: 'd1',
    fileName: 'to-khai.pdf',
    contentType: 'application/pdf',
    size: 1000,
    ownerIdNumber: '001099012345',
    uploadedBy: { sub: '001099012345', kind: 'citizen' },
    digitized: false,
    kind: 'upload',
    status: 'pending',
    scanStatus: 'pending',
    storedAt: 'quarantine',
    objectKey: 'quarantine/d1',
    createdAt: AT,
    uploadExpiresAt: AT,
    version: 1,
    ...changes,
  };
}

describe('verifying an upload against what was declared', () => {
  const declared = { size: 1000, contentType: 'application/pdf' };
  const facts = { size: 1000, head: PDF_HEAD, sha256: HASH };

  test('a PDF of the declared size (and hash, when declared) is clean', () => {
    expect(verifyUpload(declared, facts, 20_000)).toEqual({ status: 'clean' });
    expect(verifyUpload({ ...declared, sha256: HASH.toUpperCase() }, facts, 20_000)).toEqual({ status: 'clean' });
  });

  test.each([
    ['empty', { ...facts, size: 0 }, declared, 'empty'],
    ['larger than the limit', { ...facts, size: 30_000 }, { ...declared, size: 30_000 }, 'too-large'],
    ['another size than declared', { ...facts, size: 999 }, declared, 'size-mismatch'],
    ['an executable named .pdf', { ...facts, head: MZ_HEAD }, declared, 'executable'],
    [
      'not a known format',
      { ...facts, head: new Uint8Array(Buffer.from('hello world!!!!!')) },
      declared,
      'unrecognized-content',
    ],
    ['a PDF declared as a PNG', facts, { ...declared, contentType: 'image/png' }, 'type-mismatch'],
    ['another SHA-256', facts, { ...declared, sha256: 'b'.repeat(64) }, 'checksum-mismatch'],
  ])('%s → rejected (%s)', (_name, objectFacts, declaredUpload, reason) => {
    expect(verifyUpload(declaredUpload, objectFacts, 20_000)).toMatchObject({ status: 'rejected', reason });
  });
});

describe('transitions', () => {
  const clean = { status: 'clean' } as const;
  const facts = { sha256: HASH, etag: 'e1' };

  test('locally (no scanning) a clean upload leaves quarantine at once, announced once', () => {
    const t = onVerified(pendingDoc({ scanStatus: 'skipped (local)' }), clean, facts, AT)!;
    expect(t).toMatchObject({ copyToClean: true, deleteQuarantined: true, event: 'document.verified' });
    expect(t.next).toMatchObject({
      status: 'clean',
      storedAt: 'clean',
      objectKey: 'clean/001099012345/d1',
      sha256: HASH,
      etag: 'e1',
      verifiedAt: AT,
      version: 2,
    });
    expect(isUsable(t.next)).toBe(true);
    expect(onVerified(t.next, clean, facts, AT)).toBeUndefined();
  });

  test('on AWS a clean upload waits in quarantine for the verdict, then leaves on a clean one', () => {
    const verified = onVerified(pendingDoc(), clean, facts, AT)!;
    expect(verified).toEqual(expect.objectContaining({ copyToClean: false, deleteQuarantined: false }));
    expect(verified.event).toBeUndefined();
    expect(isUsable(verified.next)).toBe(false);
    expect(onScanned(verified.next, 'clean', 'e-other')).toBeUndefined(); // about another object
    const scanned = onScanned(verified.next, 'clean', 'e1')!;
    expect(scanned).toMatchObject({ copyToClean: true, deleteQuarantined: true, event: 'document.verified' });
    expect(isUsable(scanned.next)).toBe(true);
    expect(onScanned(scanned.next, 'clean', 'e1')).toBeUndefined();
  });

  test('an infected verdict rejects a verified upload and deletes it', () => {
    const verified = onVerified(pendingDoc(), clean, facts, AT)!;
    const scanned = onScanned(verified.next, 'infected', 'e1')!;
    expect(scanned).toMatchObject({ copyToClean: false, deleteQuarantined: true, event: 'document.rejected' });
    expect(scanned.next).toMatchObject({
      status: 'rejected',
      reason: 'malware',
      scanStatus: 'infected',
      storedAt: 'none',
    });
  });

  test('an executable is rejected and deleted; the verification reason is kept', () => {
    const t = onVerified(
      pendingDoc({ scanStatus: 'skipped (local)' }),
      { status: 'rejected', reason: 'executable', detail: 'PE' },
      facts,
      AT,
    )!;
    expect(t).toMatchObject({ copyToClean: false, deleteQuarantined: true, event: 'document.rejected' });
    expect(t.next).toMatchObject({ status: 'rejected', reason: 'executable', storedAt: 'none' });
  });

  test("an agency's own document goes under clean/agency-<code>/", () => {
    expect(cleanKey({ documentId: 'd9', ownerAgencyCode: '000.00.15.H19' })).toBe('clean/agency-000.00.15.H19/d9');
  });
});

describe('whatever order verification and verdicts arrive in', () => {
  const verdict = fc.option(fc.constantFrom<ScanVerdict>('clean', 'infected', 'failed'), { nil: undefined });

  test('usable iff the content is right and the verdict on the very object verified is clean; one event at most', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        verdict,
        verdict,
        fc.nat(2),
        fc.boolean(),
        (contentOk, verdictOnVerified, verdictOnOther, verifyAt, otherFirst) => {
          const scans: [string, ScanVerdict][] = [];
          if (verdictOnVerified) scans.push(['e1', verdictOnVerified]);
          if (verdictOnOther) scans.push(['e2', verdictOnOther]);
          if (otherFirst) scans.reverse();
          const steps: ('verify' | [string, ScanVerdict])[] = [...scans];
          steps.splice(Math.min(verifyAt, steps.length), 0, 'verify');

          let doc = pendingDoc();
          const transitions: Transition[] = [];
          for (const step of steps) {
            const t =
              step === 'verify'
                ? onVerified(
                    doc,
                    contentOk ? { status: 'clean' } : { status: 'rejected', reason: 'type-mismatch', detail: '' },
                    { sha256: HASH, etag: 'e1' },
                    AT,
                  )
                : onScanned(doc, step[1], step[0]);
            if (t) {
              expect(t.next.version).toBe(doc.version + 1);
              transitions.push(t);
              doc = t.next;
            }
          }

          const events = transitions.flatMap((t) => (t.event ? [t.event] : []));
          expect(events.length).toBeLessThanOrEqual(1);
          const shouldBeUsable = contentOk && verdictOnVerified === 'clean';
          expect(isUsable(doc)).toBe(shouldBeUsable);
          expect(events.includes('document.verified')).toBe(shouldBeUsable);
          expect(doc.storedAt === 'clean').toBe(shouldBeUsable);
          // Copies out of quarantine happen only with the announcement.
          for (const t of transitions) expect(t.copyToClean).toBe(t.event === 'document.verified');
          if (!contentOk) expect(doc).toMatchObject({ status: 'rejected', reason: 'type-mismatch' });
          else if (verdictOnVerified === 'infected')
            expect(doc).toMatchObject({ status: 'rejected', reason: 'malware' });
          else if (verdictOnVerified === 'failed') {
            expect(doc).toMatchObject({ status: 'rejected', reason: 'malware-scan-failed' });
          } else if (verdictOnVerified === undefined) {
            expect(doc).toMatchObject({ status: 'clean', scanStatus: 'pending', storedAt: 'quarantine' });
          }
          if (doc.status === 'rejected') expect(events).toEqual(['document.rejected']);
        },
      ),
    );
  });
});
