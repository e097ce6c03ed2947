/**
 * Signing electronic results with ECDSA P-256 / SHA-256 behind one interface: on AWS the private key never
 * leaves KMS (Sign over the SHA-256 digest, MessageType DIGEST); locally a key pair generated once and kept
 * in the documents table. Both give DER-encoded signatures that verify with the public key and node:crypto,
 * so verification is the same code everywhere (the public key comes from KMS GetPublicKey or the table).
 */
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { isLocal, RESULT_VERIFICATION_KEYS_ENV, requiredEnv } from '#platform/env.ts';
import { getLocalSigningKey, putLocalSigningKeyOnce, type StoredKeyPair } from './store.ts';

export interface Signature {
  /** DER-encoded ECDSA signature. */
  signature: Buffer;
  /** The key that made it (a KMS key ARN, or `local:<fingerprint>`). */
  keyId: string;
}

export interface Signer {
  sign(message: Buffer): Promise<Signature>;
}

export interface SignatureVerifier {
  verify(keyId: string, message: Buffer, signature: Buffer): Promise<boolean>;
}

const LOCAL_KEY_PREFIX = 'local:';

let kms: KMSClient | undefined;
const kmsClient = (): KMSClient => {
  kms ??= new KMSClient({ maxAttempts: 3 });
  return kms;
};

/** KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY); RESULT_SIGNING_KEY_ID (the current generation's ARN) is set by the stack. */
export class KmsSigner implements Signer {
  readonly #keyId: string;

  constructor(keyId: string) {
    this.#keyId = keyId;
  }

  async sign(message: Buffer): Promise<Signature> {
    const digest = createHash('sha256').update(message).digest();
    const signed = await kmsClient().send(
      new SignCommand({
        KeyId: this.#keyId,
        Message: digest,
        MessageType: 'DIGEST',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    if (!signed.Signature) throw new Error('KMS returned no signature');
    return { signature: Buffer.from(signed.Signature), keyId: signed.KeyId ?? this.#keyId };
  }
}

async function loadOrCreateLocalKey(): Promise<StoredKeyPair> {
  const existing = await getLocalSigningKey();
  if (existing) return existing;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const fingerprint = createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
  return putLocalSigningKeyOnce({
    keyId: `${LOCAL_KEY_PREFIX}${fingerprint}`,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem,
  });
}

/** The local cloud's key pair, generated on first use and kept in the documents table. */
export class LocalSigner implements Signer {
  async sign(message: Buffer): Promise<Signature> {
    const key = await loadOrCreateLocalKey();
    return { signature: sign('sha256', message, key.privateKeyPem), keyId: key.keyId };
  }
}

/** Where a verifier finds the public key of a key id (KMS GetPublicKey, or the local key pair). */
export type PublicKeyLookup = (keyId: string) => Promise<KeyObject | undefined>;

const publicKeys = new Map<string, KeyObject>();

async function publicKeyFor(keyId: string): Promise<KeyObject | undefined> {
  const cached = publicKeys.get(keyId);
  if (cached) return cached;
  let key: KeyObject | undefined;
  if (keyId.startsWith(LOCAL_KEY_PREFIX)) {
    const stored = await getLocalSigningKey();
    key = stored && stored.keyId === keyId ? createPublicKey(stored.publicKeyPem) : undefined;
  } else {
    const found = await kmsClient().send(new GetPublicKeyCommand({ KeyId: keyId }));
    key = found.PublicKey
      ? createPublicKey({ key: Buffer.from(found.PublicKey), format: 'der', type: 'spki' })
      : undefined;
  }
  if (key) publicKeys.set(keyId, key);
  return key;
}

/**
 * Verifies with the public key of the key the result names, if that key is one the province still trusts: after
 * a rollover a result signed by a previous generation verifies with that generation's key; a result naming any
 * other key is invalid, whatever its signature (its key is never even looked up).
 */
export function signatureVerifierFor(
  trusted: (keyId: string) => boolean,
  publicKeyOf: PublicKeyLookup = publicKeyFor,
): SignatureVerifier {
  return {
    async verify(keyId, message, signature) {
      if (!trusted(keyId)) return false;
      const key = await publicKeyOf(keyId);
      if (!key) return false;
      try {
        return verify('sha256', message, key, signature);
      } catch {
        return false; // a malformed signature is an invalid one
      }
    },
  };
}

/**
 * The keys whose signatures count: on AWS the ones the deployment lists (the current generation and the
 * config's previous ones, RESULT_VERIFICATION_KEY_ARNS); locally the local key pair.
 */
export function trustedKeysFromEnv(env: NodeJS.ProcessEnv = process.env): (keyId: string) => boolean {
  if (env.MOTCUA_LOCAL === 'true') return (keyId) => keyId.startsWith(LOCAL_KEY_PREFIX);
  const listed = new Set(
    (env[RESULT_VERIFICATION_KEYS_ENV] ?? '')
      .split(',')
      .map((arn) => arn.trim())
      .filter((arn) => arn !== ''),
  );
  return (keyId) => listed.has(keyId);
}

/** KMS on AWS, the local key pair on the local cloud. */
export function signerFromEnv(): Signer {
  return isLocal() ? new LocalSigner() : new KmsSigner(requiredEnv('RESULT_SIGNING_KEY_ID'));
}
