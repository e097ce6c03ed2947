/**
 * OpenID Connect for officials: authorization code with PKCE (RFC 7636, S256), as a public client (no secret
 * can live in a browser app). The verifier and state wait in sessionStorage across the redirect; tokens are
 * kept in sessionStorage too (gone with the tab) and refreshed shortly before they expire.
 */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  scope: string;
  redirectUri: string;
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

export interface TokenSet {
  accessToken: string;
  idToken?: string;
  refreshToken?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /**
   * When to refresh (epoch milliseconds): a minute before expiry, or halfway through a token shorter-lived than
   * two minutes; a fixed margin as long as the token's life would refresh it on every request.
   */
  refreshAt?: number;
}

/** Refresh this long before expiry at most, so a request never leaves with a token about to lapse. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * The provider's answer on the redirect back was not accepted: a `state` this tab did not send (a forged or
 * replayed callback), or the provider's own error. The code, if any, was not exchanged.
 */
export class SignInRefused extends Error {
  readonly reason: 'state-mismatch' | 'provider-error';
  readonly providerError: string | undefined;
  constructor(reason: 'state-mismatch' | 'provider-error', providerError?: string) {
    super(reason === 'state-mismatch' ? 'sign-in state mismatch' : `sign-in refused by the provider: ${providerError}`);
    this.reason = reason;
    this.providerError = providerError;
  }
}

const PENDING_KEY = 'motcua.console.oidc.pending';

let discovery: Promise<Discovery> | undefined;
function discover(issuer: string): Promise<Discovery> {
  discovery ??= fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`).then(async (r) => {
    if (!r.ok) throw new Error(`OpenID discovery: HTTP ${r.status}`);
    return (await r.json()) as Discovery;
  });
  return discovery;
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(32)));
}

async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** Sends the browser to the provider's sign-in page. */
export async function beginSignIn(settings: OidcSettings, returnTo: string): Promise<void> {
  const endpoints = await discover(settings.issuer);
  const verifier = randomString();
  const state = randomString();
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(endpoints.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    scope: settings.scope,
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.toString());
}

async function tokenRequest(settings: OidcSettings, body: Record<string, string>): Promise<TokenSet> {
  const endpoints = await discover(settings.issuer);
  const response = await fetch(endpoints.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: settings.clientId, ...body }).toString(),
  });
  if (!response.ok) throw new Error(`token endpoint: HTTP ${response.status}`);
  const json = (await response.json()) as {
    access_token: string;
    id_token?: string;
    refresh_token?: string;
    expires_in?: number;
  };
  const lifetimeMs = (json.expires_in ?? 300) * 1000;
  const expiresAt = Date.now() + lifetimeMs;
  return {
    accessToken: json.access_token,
    ...(json.id_token ? { idToken: json.id_token } : {}),
    ...(json.refresh_token ? { refreshToken: json.refresh_token } : {}),
    expiresAt,
    refreshAt: expiresAt - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2),
  };
}

/**
 * Completes a sign-in when the provider sent the browser back with ?code=&state=; returns undefined when this
 * page load is not such a return. A state that does not match what this tab started is refused.
 */
export function completeSignIn(
  settings: OidcSettings,
  location: Location,
): Promise<{ tokens: TokenSet; returnTo: string } | undefined> {
  // The app's start effect can run twice for one page load (React's StrictMode does): the second call must get
  // the first one's answer, not find the pending sign-in already taken and refuse the callback as forged.
  if (completing?.search !== location.search)
    completing = { search: location.search, result: exchangeCode(settings, location) };
  return completing.result;
}

let completing: { search: string; result: Promise<{ tokens: TokenSet; returnTo: string } | undefined> } | undefined;

async function exchangeCode(
  settings: OidcSettings,
  location: Location,
): Promise<{ tokens: TokenSet; returnTo: string } | undefined> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const providerError = params.get('error');
  if (!code && !providerError) return undefined;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as {
    verifier: string;
    state: string;
    returnTo: string;
  } | null;
  // One attempt per sign-in: whatever came back, the verifier is not offered again.
  sessionStorage.removeItem(PENDING_KEY);
  if (!pending || pending.state !== params.get('state')) throw new SignInRefused('state-mismatch');
  if (providerError || !code) throw new SignInRefused('provider-error', providerError ?? 'no code');
  const tokens = await tokenRequest(settings, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: settings.redirectUri,
    code_verifier: pending.verifier,
  });
  return { tokens, returnTo: pending.returnTo };
}

export function refresh(settings: OidcSettings, refreshToken: string): Promise<TokenSet> {
  return tokenRequest(settings, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

/** RP-initiated logout when the provider offers it; otherwise back to the console's start. */
export async function endSession(settings: OidcSettings, idToken: string | undefined): Promise<void> {
  const endpoints = await discover(settings.issuer);
  if (!endpoints.end_session_endpoint) {
    window.location.assign(settings.redirectUri);
    return;
  }
  const url = new URL(endpoints.end_session_endpoint);
  url.search = new URLSearchParams({
    client_id: settings.clientId,
    post_logout_redirect_uri: settings.redirectUri,
    ...(idToken ? { id_token_hint: idToken } : {}),
  }).toString();
  window.location.assign(url.toString());
}
