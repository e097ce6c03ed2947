/**
 * Verifying after a signing key rollover: a result names the key that signed it, and the verifier checks it with
 * that key's public key when the key is one the deployment still trusts (the current generation and the config's
 * previous ones, RESULT_VERIFICATION_KEY_ARNS), never with another key, and refuses any key it does not trust.
 */
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { resultPayload } from '#documents/domain/result-signature.ts';
import { signatureVerifierFor, trustedKeysFromEnv } from '#documents/signer.ts';

const ACCOUNT = '190000000003';
const PREVIOUS = `arn:aws:kms:ap-southeast-1:${ACCOUNT}:key/11111111-1111-4111-8111-111111111111`;
const CURRENT = `arn:aws:kms:ap-southeast-1:${ACCOUNT}:key/22222222-2222-4222-8222-222222222222`;
const RETIRED = `arn:aws:kms:ap-southeast-1:${ACCOUNT}:key/33333333-3333-4333-8333-333333333333`;

const pair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const keys = new Map([PREVIOUS, CURRENT, RETIRED].map((arn) => [arn, pair()]));

const payload = Buffer.from(
  resultPayload({
    dossierCode: '000.00.15.H19-261207-0001',
    number: '12/QĐ-STP',
    signer: 'Nguyễn Văn A',
    issuedBy: '000.00.15.H19',
    signedAt: '2026-12-07T09:00:00+07:00',
    sha256: createHash('sha256').update('the result').digest('hex'),
    documentId: '6b1f0d5e-2f7c-4f5a-9a43-3f0d2b8c1e11',
  }),
);
const signedBy = (arn: string) => sign('sha256', payload, keys.get(arn)!.privateKey);

/** The deployed environment of documents-verify-result after one rollover (generation 2, generation 1 kept). */
const deployed = { RESULT_VERIFICATION_KEY_ARNS: `${CURRENT},${PREVIOUS}` };

function lookupRecording(): { lookups: string[]; publicKeyOf: (keyId: string) => Promise<KeyObject | undefined> } {
  const lookups: string[] = [];
  return {
    lookups,
    publicKeyOf: async (keyId) => {
      lookups.push(keyId);
      return keys.get(keyId)?.publicKey;
    },
  };
}

describe('verifying results across a signing key rollover', () => {
  test('a result signed by the previous generation verifies with that key', async () => {
    const { lookups, publicKeyOf } = lookupRecording();
    const verifier = signatureVerifierFor(trustedKeysFromEnv(deployed), publicKeyOf);
    expect(await verifier.verify(PREVIOUS, payload, signedBy(PREVIOUS))).toBe(true);
    expect(lookups).toEqual([PREVIOUS]);
  });

  test('a result signed by the current generation verifies with the current key', async () => {
    const { lookups, publicKeyOf } = lookupRecording();
    const verifier = signatureVerifierFor(trustedKeysFromEnv(deployed), publicKeyOf);
    expect(await verifier.verify(CURRENT, payload, signedBy(CURRENT))).toBe(true);
    expect(lookups).toEqual([CURRENT]);
  });

  test('the recorded key decides: a previous-generation signature presented as the current key fails', async () => {
    const { publicKeyOf } = lookupRecording();
    const verifier = signatureVerifierFor(trustedKeysFromEnv(deployed), publicKeyOf);
    expect(await verifier.verify(CURRENT, payload, signedBy(PREVIOUS))).toBe(false);
  });

  test('a key not in the trusted list is refused without being looked up, even with a good signature', async () => {
    const { lookups, publicKeyOf } = lookupRecording();
    const verifier = signatureVerifierFor(trustedKeysFromEnv(deployed), publicKeyOf);
    expect(await verifier.verify(RETIRED, payload, signedBy(RETIRED))).toBe(false);
    expect(lookups).toEqual([]);
  });

  test('a previous key dropped from the config is no longer trusted', async () => {
    const { publicKeyOf } = lookupRecording();
    const verifier = signatureVerifierFor(trustedKeysFromEnv({ RESULT_VERIFICATION_KEY_ARNS: CURRENT }), publicKeyOf);
    expect(await verifier.verify(PREVIOUS, payload, signedBy(PREVIOUS))).toBe(false);
  });

  test('without a deployed list nothing is trusted on AWS; locally only the local key pair', () => {
    expect(trustedKeysFromEnv({})(CURRENT)).toBe(false);
    expect(trustedKeysFromEnv({ MOTCUA_LOCAL: 'true' })('local:0123456789abcdef')).toBe(true);
    expect(trustedKeysFromEnv({ MOTCUA_LOCAL: 'true' })(CURRENT)).toBe(false);
  });

  test('a malformed signature is an invalid one', async () => {
    const { publicKeyOf } = lookupRecording();
    const verifier = signatureVerifierFor(trustedKeysFromEnv(deployed), publicKeyOf);
    expect(await verifier.verify(PREVIOUS, payload, Buffer.from('not a signature'))).toBe(false);
  });
});
