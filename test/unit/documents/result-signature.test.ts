import { generateKeyPairSync, sign, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { resultPayload, type SignedResultFields } from '#documents/domain/result-signature.ts';

const FIELDS: SignedResultFields = {
  dossierCode: 'H19.15-250602-0001',
  number: '123/QĐ-SGTVT',
  signer: 'Trần Văn B',
  issuedBy: '000.00.15.H19',
  signedAt: '2025-06-10T15:30:00+07:00',
  sha256: 'ab'.repeat(32),
  documentId: '6b1f0d5e-2f7c-4f5a-9a43-3f0d2b8c1e11',
};

describe('the signed payload', () => {
  test('is canonical JSON: keys sorted, no whitespace, strings as JSON writes them', () => {
    expect(resultPayload(FIELDS)).toBe(
      '{"documentId":"6b1f0d5e-2f7c-4f5a-9a43-3f0d2b8c1e11","dossierCode":"H19.15-250602-0001",' +
        '"issuedBy":"000.00.15.H19","number":"123/QĐ-SGTVT","sha256":"' +
        'ab'.repeat(32) +
        '","signedAt":"2025-06-10T15:30:00+07:00","signer":"Trần Văn B"}',
    );
  });

  test('does not depend on the order fields were given in, and carries nothing else', () => {
    const reordered = Object.fromEntries(Object.entries(FIELDS).reverse()) as unknown as SignedResultFields;
    expect(resultPayload(reordered)).toBe(resultPayload(FIELDS));
    const withExtra = { ...FIELDS, note: 'ignored' } as SignedResultFields;
    expect(resultPayload(withExtra)).toBe(resultPayload(FIELDS));
  });

  test('a field value cannot smuggle in another field (quotes are escaped)', () => {
    const tricky = resultPayload({ ...FIELDS, signer: 'X","number":"999' });
    expect(JSON.parse(tricky)).toMatchObject({ signer: 'X","number":"999', number: '123/QĐ-SGTVT' });
  });
});

describe('ECDSA P-256 / SHA-256 over the payload', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const signature = sign('sha256', Buffer.from(resultPayload(FIELDS)), privateKey);

  test('verifies over the same fields', () => {
    expect(verify('sha256', Buffer.from(resultPayload(FIELDS)), publicKey, signature)).toBe(true);
  });

  test('changing any one field (or one hex digit of the file hash) breaks it', () => {
    const names = Object.keys(FIELDS) as (keyof SignedResultFields)[];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.string({ minLength: 1, maxLength: 20 }), (name, suffix) => {
        const changed = { ...FIELDS, [name]: FIELDS[name] + suffix };
        expect(verify('sha256', Buffer.from(resultPayload(changed)), publicKey, signature)).toBe(false);
      }),
      { numRuns: 50 },
    );
    const oneDigit = { ...FIELDS, sha256: `ac${FIELDS.sha256.slice(2)}` };
    expect(verify('sha256', Buffer.from(resultPayload(oneDigit)), publicKey, signature)).toBe(false);
  });
});
