/**
 * What the console needs to know about where it runs, read once at start from `config.json` beside
 * index.html: served by the local cloud (dev sign-in, the seeded officials) or written by the CDK stack next to
 * the assets on S3 (the province's OpenID Connect provider). The same build runs everywhere.
 */
export interface DevIdentity {
  sub: string;
  roles: ('officer' | 'leader' | 'admin')[];
  agencyCode?: string;
  name: string;
  title?: string;
}

export type AuthConfig =
  | { kind: 'dev'; identities: DevIdentity[] }
  | {
      kind: 'oidc';
      /** The issuer; its /.well-known/openid-configuration names the endpoints. */
      issuer: string;
      clientId: string;
      scope: string;
    };

export interface ConsoleConfig {
  /** Base URL of the API; "" means the console's own origin (locally). */
  apiUrl: string;
  province: { id: string; name: { vi: string; en: string } };
  auth: AuthConfig;
  /** Local runtime only: the /dev/* helpers (clock, outbox) exist. */
  local: boolean;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return (await response.json()) as ConsoleConfig;
}
