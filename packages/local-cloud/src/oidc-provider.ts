/**
 * A stand-in for the province's OpenID Connect provider (Keycloak on AWS deployments), on its own origin as the
 * real one is, so the console's sign-in path runs locally as it does on AWS: discovery, authorization code with
 * PKCE (S256 only; RFC 6749 §4.1, RFC 7636), one-time codes that expire, refresh tokens that rotate, and
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0). Its login page lets you pick an official instead
 * of typing a password. Access tokens carry the claims the API reads for officials (roles, agencyCode, name,
 * title), the same the dev issuer puts in, and the API verifies them through platform/jwt.ts against this
 * provider's JWKS, fetched over HTTP as API Gateway does: start the local cloud with `officialIssuer:
 * provider.issuerConfig(clientId)` and the provider *is* the officials' issuer there.
 *
 * Everything lives in memory; the provider's clock can be moved forward (`advanceClock`) to expire codes and
 * refresh tokens without waiting.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK, jwtVerify, SignJWT } from 'jose';
import type { IssuerConfig } from '#platform/jwt.ts';

export interface OidcOfficial {
  sub: string;
  name: string;
  roles: ('officer' | 'leader' | 'admin')[];
  agencyCode?: string;
  title?: string;
}

/** A registered client: the console is a public client (no secret), identified by its id and exact redirect URIs. */
export interface OidcClient {
  clientId: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}

export interface OidcProviderOptions {
  officials: OidcOfficial[];
  clients?: OidcClient[];
  /** Access and id tokens' lifetime; short in tests so a refresh comes soon. Default 300 s. */
  accessTokenSeconds?: number;
  /** How long a refresh token (and the sign-in session behind it) lasts. Default 8 h. */
  refreshTokenSeconds?: number;
  /** How long an authorization code can be exchanged. Default 60 s (RFC 6749 §4.1.2 recommends 10 min at most). */
  codeSeconds?: number;
  host?: string;
  port?: number;
}

export interface OidcProvider {
  /** The issuer (`iss`), also the base of every endpoint. */
  issuer: string;
  jwksUri: string;
  tokenEndpoint: string;
  /** How the API trusts this provider: the officials' issuer, its tokens' audience being the client id. */
  issuerConfig(audience: string): IssuerConfig;
  registerClient(client: OidcClient): void;
  /** Move the provider's clock (codes' and refresh tokens' expiry); tokens it signs keep real `iat`/`exp`. */
  advanceClock(seconds: number): void;
  stop(): Promise<void>;
}

interface PendingAuthorization {
  client: OidcClient;
  redirectUri: string;
  state: string;
  nonce?: string;
  scope: string;
  codeChallenge: string;
}

interface IssuedCode extends PendingAuthorization {
  sessionId: string;
  expiresAt: number;
}

interface SignInSession {
  official: OidcOfficial;
  authTime: number;
  expiresAt: number;
}

interface RefreshGrant {
  sessionId: string;
  clientId: string;
  scope: string;
  nonce?: string;
  expiresAt: number;
}

const SESSION_COOKIE = 'standin_oidc_session';
const PKCE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

class OAuthError extends Error {
  readonly error: string;
  constructor(error: string, description: string) {
    super(description);
    this.error = error;
  }
}

const opaque = () => randomBytes(32).toString('base64url');
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

export async function startOidcProvider(options: OidcProviderOptions): Promise<OidcProvider> {
  const accessTokenSeconds = options.accessTokenSeconds ?? 300;
  const refreshTokenSeconds = options.refreshTokenSeconds ?? 8 * 3600;
  const codeSeconds = options.codeSeconds ?? 60;
  const clients = new Map((options.clients ?? []).map((c) => [c.clientId, c]));
  const pending = new Map<string, PendingAuthorization>();
  const codes = new Map<string, IssuedCode>();
  const sessions = new Map<string, SignInSession>();
  const refreshTokens = new Map<string, RefreshGrant>();
  let clockOffsetMs = 0;
  const nowMs = () => Date.now() + clockOffsetMs;

  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `standin-oidc-${randomBytes(4).toString('hex')}`;
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const jwks: JSONWebKeySet = { keys: [publicJwk] };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: error.message });
      else res.end();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => ok());
  });
  // 127.0.0.1 while the console is on localhost: another origin, as the province's provider is on AWS.
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  const endpoints = {
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    end_session_endpoint: `${issuer}/logout`,
  };

  /** The browser origins of registered clients: the only ones the token endpoint answers cross-origin. */
  const allowedOrigin = (req: IncomingMessage): string | undefined => {
    const origin = req.headers.origin;
    if (typeof origin !== 'string') return undefined;
    for (const client of clients.values())
      if (client.redirectUris.some((uri) => new URL(uri).origin === origin)) return origin;
    return undefined;
  };

  const signIn = (res: ServerResponse, official: OidcOfficial): string => {
    const sessionId = opaque();
    const at = nowMs();
    sessions.set(sessionId, { official, authTime: at, expiresAt: at + refreshTokenSeconds * 1000 });
    res.setHeader('set-cookie', `${SESSION_COOKIE}=${sessionId}; Path=/; HttpOnly; SameSite=Lax`);
    return sessionId;
  };

  const currentSession = (req: IncomingMessage): string | undefined => {
    const cookie = String(req.headers.cookie ?? '')
      .split(/;\s*/)
      .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    const sessionId = cookie?.slice(SESSION_COOKIE.length + 1);
    const session = sessionId ? sessions.get(sessionId) : undefined;
    return session && session.expiresAt > nowMs() ? sessionId : undefined;
  };

  const endSession = (sessionId: string): void => {
    sessions.delete(sessionId);
    for (const [token, grant] of refreshTokens) if (grant.sessionId === sessionId) refreshTokens.delete(token);
  };

  /** Back to the client with a code (RFC 6749 §4.1.2). */
  const redirectWithCode = (res: ServerResponse, request: PendingAuthorization, sessionId: string): void => {
    const code = opaque();
    codes.set(code, { ...request, sessionId, expiresAt: nowMs() + codeSeconds * 1000 });
    const target = new URL(request.redirectUri);
    target.searchParams.set('code', code);
    target.searchParams.set('state', request.state);
    target.searchParams.set('iss', issuer);
    res.writeHead(303, { location: target.toString(), 'cache-control': 'no-store' }).end();
  };

  async function tokensFor(sessionId: string, clientId: string, scope: string, nonce: string | undefined) {
    const session = sessions.get(sessionId);
    if (!session) throw new OAuthError('invalid_grant', 'the sign-in session has ended');
    const { official } = session;
    const issuedAt = Math.floor(Date.now() / 1000);
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setSubject(official.sub)
        .setAudience(clientId)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + accessTokenSeconds)
        .setJti(opaque())
        .sign(privateKey);
    const profile = {
      name: official.name,
      ...(official.title ? { title: official.title } : {}),
      ...(official.agencyCode ? { agencyCode: official.agencyCode } : {}),
    };
    const accessToken = await sign({ ...profile, roles: official.roles, azp: clientId, scope, sid: sessionId });
    const idToken = await sign({
      ...profile,
      roles: official.roles,
      azp: clientId,
      sid: sessionId,
      auth_time: Math.floor(session.authTime / 1000),
      ...(nonce ? { nonce } : {}),
    });
    const refreshToken = opaque();
    refreshTokens.set(refreshToken, {
      sessionId,
      clientId,
      scope,
      ...(nonce ? { nonce } : {}),
      expiresAt: Math.min(session.expiresAt, nowMs() + refreshTokenSeconds * 1000),
    });
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: accessTokenSeconds,
      id_token: idToken,
      refresh_token: refreshToken,
      scope,
    };
  }

  async function token(form: URLSearchParams) {
    const client = clients.get(form.get('client_id') ?? '');
    if (!client) throw new OAuthError('invalid_client', 'unknown client_id');
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = form.get('code') ?? '';
      const issued = codes.get(code);
      if (!issued || issued.expiresAt <= nowMs()) {
        codes.delete(code);
        throw new OAuthError('invalid_grant', 'the authorization code is unknown, used or expired');
      }
      if (issued.client.clientId !== client.clientId)
        throw new OAuthError('invalid_grant', 'the code was issued to another client');
      if (form.get('redirect_uri') !== issued.redirectUri)
        throw new OAuthError('invalid_grant', 'redirect_uri differs from the authorization request');
      const verifier = form.get('code_verifier') ?? '';
      // A wrong verifier leaves the code for its rightful holder: only whoever holds the verifier can use it.
      if (!PKCE_VERIFIER.test(verifier) || s256(verifier) !== issued.codeChallenge)
        throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge');
      codes.delete(code);
      return tokensFor(issued.sessionId, client.clientId, issued.scope, issued.nonce);
    }
    if (grantType === 'refresh_token') {
      const presented = form.get('refresh_token') ?? '';
      const grant = refreshTokens.get(presented);
      if (!grant || grant.expiresAt <= nowMs() || grant.clientId !== client.clientId)
        throw new OAuthError('invalid_grant', 'the refresh token is unknown, used, revoked or expired');
      // Rotation: a refresh token is good once; the answer carries its successor.
      refreshTokens.delete(presented);
      return tokensFor(grant.sessionId, client.clientId, grant.scope, grant.nonce);
    }
    throw new OAuthError('unsupported_grant_type', 'authorization_code or refresh_token');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', issuer);
    const method = req.method ?? 'GET';
    const origin = allowedOrigin(req);
    if (origin) res.setHeader('access-control-allow-origin', origin).setHeader('vary', 'origin');
    if (method === 'OPTIONS') {
      res.writeHead(
        204,
        origin ? { 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type' } : {},
      );
      res.end();
      return;
    }
    switch (`${method} ${url.pathname}`) {
      case 'GET /.well-known/openid-configuration':
        sendJson(res, 200, {
          issuer,
          ...endpoints,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'refresh_token'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
          scopes_supported: ['openid', 'profile', 'offline_access'],
          claims_supported: ['sub', 'name', 'title', 'roles', 'agencyCode'],
        });
        return;
      case 'GET /jwks':
        sendJson(res, 200, jwks);
        return;
      case 'GET /authorize':
        return authorize(req, res, url.searchParams);
      case 'POST /login': {
        const form = new URLSearchParams(await readBody(req));
        const request = pending.get(form.get('request') ?? '');
        const official = options.officials.find((o) => o.sub === form.get('official'));
        if (!request || !official) {
          sendPage(
            res,
            400,
            'Yêu cầu đăng nhập không hợp lệ',
            '<p>Yêu cầu đăng nhập đã hết hạn hoặc không hợp lệ.</p>',
          );
          return;
        }
        pending.delete(form.get('request') ?? '');
        redirectWithCode(res, request, signIn(res, official));
        return;
      }
      case 'POST /token': {
        const form = new URLSearchParams(await readBody(req));
        try {
          sendJson(res, 200, await token(form), { 'cache-control': 'no-store', pragma: 'no-cache' });
        } catch (error) {
          if (!(error instanceof OAuthError)) throw error;
          sendJson(res, error.error === 'invalid_client' ? 401 : 400, {
            error: error.error,
            error_description: error.message,
          });
        }
        return;
      }
      case 'GET /logout':
        return logout(req, res, url.searchParams);
      case 'GET /favicon.ico':
        res.writeHead(204).end();
        return;
      default:
        sendJson(res, 404, { error: 'not_found' });
    }
  }

  async function authorize(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): Promise<void> {
    // Without a known client and its exact redirect URI, nothing may be sent anywhere (RFC 6749 §4.1.2.1).
    const client = clients.get(params.get('client_id') ?? '');
    if (!client) {
      sendPage(
        res,
        400,
        'Ứng dụng không được đăng ký',
        '<p>client_id không được đăng ký với nhà cung cấp định danh.</p>',
      );
      return;
    }
    const redirectUri = params.get('redirect_uri') ?? '';
    if (!client.redirectUris.includes(redirectUri)) {
      sendPage(res, 400, 'Địa chỉ chuyển hướng không hợp lệ', '<p>redirect_uri không khớp địa chỉ đã đăng ký.</p>');
      return;
    }
    const refuse = (error: string, description: string) => {
      const target = new URL(redirectUri);
      target.searchParams.set('error', error);
      target.searchParams.set('error_description', description);
      if (params.get('state')) target.searchParams.set('state', params.get('state') ?? '');
      res.writeHead(303, { location: target.toString() }).end();
    };
    if (params.get('response_type') !== 'code') return refuse('unsupported_response_type', 'only response_type=code');
    const state = params.get('state');
    if (!state) return refuse('invalid_request', 'state is required');
    const scope = params.get('scope') ?? '';
    if (!scope.split(' ').includes('openid')) return refuse('invalid_scope', 'scope must include openid');
    const codeChallenge = params.get('code_challenge') ?? '';
    if (params.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(codeChallenge))
      return refuse('invalid_request', 'PKCE is required: code_challenge with code_challenge_method=S256');
    const nonce = params.get('nonce');
    const request: PendingAuthorization = {
      client,
      redirectUri,
      state,
      scope,
      codeChallenge,
      ...(nonce ? { nonce } : {}),
    };
    // Already signed in here (single sign-on): straight back with a code.
    const sessionId = currentSession(req);
    if (sessionId && params.get('prompt') !== 'login') return redirectWithCode(res, request, sessionId);
    const requestId = opaque();
    pending.set(requestId, request);
    const choices = options.officials
      .map(
        (o, i) =>
          `<option value="${escapeHtml(o.sub)}"${i === 0 ? ' selected' : ''}>${escapeHtml(o.name)} — ${escapeHtml(o.roles.join(', '))}${o.agencyCode ? ` — ${escapeHtml(o.agencyCode)}` : ''}</option>`,
      )
      .join('');
    sendPage(
      res,
      200,
      'Đăng nhập tài khoản công vụ',
      `<p>Nhà cung cấp định danh giả lập (chỉ dùng khi phát triển và kiểm thử).</p>
<form method="post" action="/login">
  <input type="hidden" name="request" value="${requestId}">
  <label for="official">Cán bộ</label>
  <select id="official" name="official">${choices}</select>
  <button type="submit">Đăng nhập</button>
</form>`,
    );
  }

  async function logout(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): Promise<void> {
    let hinted: { sid?: string; aud?: string } = {};
    const hint = params.get('id_token_hint');
    if (hint) {
      try {
        // An expired id token still names the session to end (RP-Initiated Logout §2).
        const { payload } = await jwtVerify(hint, publicKey, { issuer, currentDate: new Date(0) });
        hinted = {
          ...(typeof payload.sid === 'string' ? { sid: payload.sid } : {}),
          ...(typeof payload.aud === 'string' ? { aud: payload.aud } : {}),
        };
      } catch {
        sendPage(res, 400, 'Yêu cầu đăng xuất không hợp lệ', '<p>id_token_hint không do nhà cung cấp này cấp.</p>');
        return;
      }
    }
    const cookieSession = currentSession(req);
    if (cookieSession) endSession(cookieSession);
    if (hinted.sid) endSession(hinted.sid);
    res.setHeader('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
    const client = clients.get(params.get('client_id') ?? hinted.aud ?? '');
    const target = params.get('post_logout_redirect_uri');
    if (target && client?.postLogoutRedirectUris.includes(target)) {
      const back = new URL(target);
      if (params.get('state')) back.searchParams.set('state', params.get('state') ?? '');
      res.writeHead(303, { location: back.toString() }).end();
      return;
    }
    sendPage(res, 200, 'Đã đăng xuất', '<p>Bạn đã đăng xuất khỏi tài khoản công vụ.</p>');
  }

  return {
    issuer,
    jwksUri: endpoints.jwks_uri,
    tokenEndpoint: endpoints.token_endpoint,
    issuerConfig: (audience) => ({ kind: 'official', issuer, audience, jwksUri: endpoints.jwks_uri }),
    registerClient: (client) => {
      clients.set(client.clientId, client);
    },
    advanceClock: (seconds) => {
      clockOffsetMs += seconds * 1000;
    },
    stop: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 64 * 1024) req.destroy(new Error('request body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendPage(res: ServerResponse, status: number, title: string, body: string): void {
  res
    .writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // No form-action: Chromium would apply it to the login form's redirect back to the client.
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    })
    .end(
      `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
    );
}
