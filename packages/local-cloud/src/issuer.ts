/**
 * The local identity issuers for development: one for citizens (standing in for VNeID) and one for
 * officials (standing in for the province's identity provider). Keys persist under the data directory, so
 * tokens survive a restart. Tokens are verified by the same code path as on AWS (platform/jwt.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK, SignJWT } from 'jose';
import * as z from 'zod';
import type { IssuerKind } from '#platform/identity.ts';
import type { IssuerConfig } from '#platform/jwt.ts';

export const LOCAL_AUDIENCE = 'motcua-local';

interface StoredKeys {
  citizen: { privateJwk: JWK; publicJwk: JWK };
  official: { privateJwk: JWK; publicJwk: JWK };
}

export const devTokenRequestSchema = z
  .object({
    sub: z.string().min(1).max(64),
    roles: z.array(z.enum(['citizen', 'officer', 'leader', 'admin'])).min(1),
    agencyCode: z
      .string()
      .regex(/^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/)
      .optional(),
    name: z.string().max(200).optional(),
    title: z.string().max(200).optional(),
    expiresInSeconds: z
      .number()
      .int()
      .min(-3600)
      .max(7 * 86_400)
      .optional(),
    /** For tests of the refusal path: sign with a key the verifier does not trust, or name another issuer. */
    issuer: z.string().url().optional(),
    audience: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    const isCitizen = v.roles.includes('citizen');
    if (isCitizen && v.roles.length > 1) {
      ctx.addIssue({ code: 'custom', path: ['roles'], message: 'a citizen token carries only the citizen role' });
    }
    if (isCitizen && !/^\d{12}$/.test(v.sub)) {
      ctx.addIssue({ code: 'custom', path: ['sub'], message: "a citizen's sub is their 12-digit personal ID number" });
    }
    if (!isCitizen && v.roles.some((r) => r === 'officer' || r === 'leader') && !v.agencyCode) {
      ctx.addIssue({ code: 'custom', path: ['agencyCode'], message: 'officers and leaders belong to an agency' });
    }
  });

export type DevTokenRequest = z.infer<typeof devTokenRequestSchema>;

export class DevIssuer {
  readonly #keys: StoredKeys;
  readonly #baseUrl: string;

  private constructor(keys: StoredKeys, baseUrl: string) {
    this.#keys = keys;
    this.#baseUrl = baseUrl;
  }

  static async create(keyFile: string | undefined, baseUrl: string): Promise<DevIssuer> {
    if (keyFile && existsSync(keyFile)) {
      return new DevIssuer(JSON.parse(readFileSync(keyFile, 'utf8')) as StoredKeys, baseUrl);
    }
    const make = async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
      return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
    };
    const keys: StoredKeys = { citizen: await make(), official: await make() };
    keys.citizen.publicJwk.kid = 'local-citizen-1';
    keys.official.publicJwk.kid = 'local-official-1';
    if (keyFile) {
      mkdirSync(dirname(keyFile), { recursive: true });
      writeFileSync(keyFile, JSON.stringify(keys), { mode: 0o600 });
    }
    return new DevIssuer(keys, baseUrl);
  }

  issuerUrl(kind: IssuerKind): string {
    return `${this.#baseUrl}/dev/issuer/${kind}`;
  }

  jwks(kind: IssuerKind): JSONWebKeySet {
    return { keys: [{ ...this.#keys[kind].publicJwk, alg: 'RS256', use: 'sig' }] };
  }

  issuerConfigs(): IssuerConfig[] {
    return (['citizen', 'official'] as const).map((kind) => ({
      kind,
      issuer: this.issuerUrl(kind),
      audience: LOCAL_AUDIENCE,
      jwksUri: `${this.issuerUrl(kind)}/jwks.json`,
    }));
  }

  keySetFor(config: IssuerConfig) {
    return createLocalJWKSet(this.jwks(config.kind));
  }

  async issue(request: DevTokenRequest, nowSeconds: number): Promise<string> {
    const kind: IssuerKind = request.roles.includes('citizen') ? 'citizen' : 'official';
    const key = await importJWK(this.#keys[kind].privateJwk, 'RS256');
    const claims: Record<string, unknown> = { roles: request.roles };
    if (request.agencyCode) claims.agencyCode = request.agencyCode;
    if (request.name) claims.name = request.name;
    if (request.title) claims.title = request.title;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.#keys[kind].publicJwk.kid ?? `local-${kind}-1` })
      .setSubject(request.sub)
      .setIssuer(request.issuer ?? this.issuerUrl(kind))
      .setAudience(request.audience ?? LOCAL_AUDIENCE)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + (request.expiresInSeconds ?? 8 * 3600))
      .sign(key);
  }
}
