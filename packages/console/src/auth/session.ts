/**
 * The signed-in official: tokens (from the dev issuer locally, from the province's provider on AWS) and the
 * claims read from the access token. The claims only decide what the console *shows*; every request is still
 * authorized by the API, which verifies the token.
 */
import type { AuthConfig, DevIdentity } from '../config.ts';
import {
  beginSignIn,
  completeSignIn,
  endSession,
  type OidcSettings,
  refresh,
  SignInRefused,
  type TokenSet,
} from './oidc.ts';

export { SignInRefused };

export type OfficialRole = 'officer' | 'leader' | 'admin';

export interface Official {
  sub: string;
  name: string;
  title?: string;
  agencyCode?: string;
  roles: OfficialRole[];
}

const SESSION_KEY = 'motcua.console.session';
/** For tokens that do not say when to refresh (the dev issuer's, hours long): this long before expiry. */
const REFRESH_MARGIN_MS = 60_000;

function decodeClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
}

export function officialFrom(token: string): Official {
  const claims = decodeClaims(token);
  const roles = (Array.isArray(claims.roles) ? claims.roles : []).filter(
    (r): r is OfficialRole => r === 'officer' || r === 'leader' || r === 'admin',
  );
  return {
    sub: String(claims.sub ?? ''),
    name: typeof claims.name === 'string' ? claims.name : String(claims.sub ?? ''),
    ...(typeof claims.title === 'string' ? { title: claims.title } : {}),
    ...(typeof claims.agencyCode === 'string' ? { agencyCode: claims.agencyCode } : {}),
    roles,
  };
}

export class Session {
  #tokens: TokenSet | undefined;
  #refreshing: Promise<void> | undefined;
  readonly #auth: AuthConfig;
  readonly #apiUrl: string;
  readonly #listeners = new Set<() => void>();

  constructor(auth: AuthConfig, apiUrl: string) {
    this.#auth = auth;
    this.#apiUrl = apiUrl;
    const stored = sessionStorage.getItem(SESSION_KEY);
    if (stored) {
      const tokens = JSON.parse(stored) as TokenSet;
      if (tokens.expiresAt > Date.now() || tokens.refreshToken) this.#tokens = tokens;
    }
  }

  get official(): Official | undefined {
    return this.#tokens ? officialFrom(this.#tokens.accessToken) : undefined;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(tokens: TokenSet | undefined): void {
    this.#tokens = tokens;
    if (tokens) sessionStorage.setItem(SESSION_KEY, JSON.stringify(tokens));
    else sessionStorage.removeItem(SESSION_KEY);
    for (const listener of this.#listeners) listener();
  }

  #oidcSettings(): OidcSettings {
    if (this.#auth.kind !== 'oidc') throw new Error('not an OpenID Connect deployment');
    return {
      issuer: this.#auth.issuer,
      clientId: this.#auth.clientId,
      scope: this.#auth.scope,
      redirectUri: new URL('.', document.baseURI).toString(),
    };
  }

  /** The access token for a request, refreshed first when it is about to expire. */
  async token(): Promise<string | undefined> {
    const tokens = this.#tokens;
    if (!tokens) return undefined;
    if ((tokens.refreshAt ?? tokens.expiresAt - REFRESH_MARGIN_MS) > Date.now()) return tokens.accessToken;
    if (this.#auth.kind === 'oidc' && tokens.refreshToken) {
      const refreshToken = tokens.refreshToken;
      // A provider that does not rotate refresh tokens answers without one: the one we hold stays good.
      this.#refreshing ??= refresh(this.#oidcSettings(), refreshToken)
        .then((next) =>
          this.#set({
            ...next,
            idToken: next.idToken ?? tokens.idToken,
            refreshToken: next.refreshToken ?? refreshToken,
          }),
        )
        .catch(() => this.#set(undefined))
        .finally(() => {
          this.#refreshing = undefined;
        });
      await this.#refreshing;
      return this.#tokens?.accessToken;
    }
    if (tokens.expiresAt > Date.now()) return tokens.accessToken;
    this.#set(undefined);
    return undefined;
  }

  /** Local only: a token for a sample official from the dev issuer. */
  async signInAsDev(identity: DevIdentity): Promise<void> {
    const response = await fetch(`${this.#apiUrl}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sub: identity.sub,
        roles: identity.roles,
        name: identity.name,
        ...(identity.agencyCode ? { agencyCode: identity.agencyCode } : {}),
        ...(identity.title ? { title: identity.title } : {}),
      }),
    });
    if (!response.ok) throw new Error(`POST /dev/token: HTTP ${response.status} ${await response.text()}`);
    const { token } = (await response.json()) as { token: string };
    const exp = Number(decodeClaims(token).exp ?? 0) * 1000;
    this.#set({ accessToken: token, expiresAt: exp });
  }

  signInWithProvider(returnTo: string): Promise<void> {
    return beginSignIn(this.#oidcSettings(), returnTo);
  }

  /** On a page load that is the provider's redirect back: exchange the code; returns where to go next. */
  async completeProviderSignIn(): Promise<string | undefined> {
    if (this.#auth.kind !== 'oidc') return undefined;
    const start = new URL('.', document.baseURI).pathname;
    let completed: Awaited<ReturnType<typeof completeSignIn>>;
    try {
      completed = await completeSignIn(this.#oidcSettings(), window.location);
    } catch (error) {
      // The refused code and state leave the address bar: a reload starts over instead of failing again.
      window.history.replaceState(null, '', start);
      throw error;
    }
    if (!completed) return undefined;
    this.#set(completed.tokens);
    window.history.replaceState(null, '', start + completed.returnTo);
    return completed.returnTo;
  }

  async signOut(): Promise<void> {
    const idToken = this.#tokens?.idToken;
    this.#set(undefined);
    if (this.#auth.kind === 'oidc') await endSession(this.#oidcSettings(), idToken);
  }

  /** The API answered 401: the token is no longer accepted. */
  expire(): void {
    if (this.#tokens) this.#set(undefined);
  }
}
