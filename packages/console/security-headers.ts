/**
 * The console's response headers, one definition for both places that serve it: the local cloud
 * (packages/local-cloud/src/console.ts) and CloudFront's response headers policy (infra/stacks/console-stack.ts).
 * The build has no inline script or style and loads nothing from elsewhere, so the policy can be strict:
 * scripts and styles only from the console's origin, calls only to the API, the identity provider and the
 * document storage (presigned uploads and previews), previews only as blob: URLs, no framing of the console.
 */
export interface ConsoleOrigins {
  /** Origins the console calls with fetch, besides its own: the API, the OIDC issuer, document storage. */
  connect: string[];
}

export function contentSecurityPolicy(origins: ConsoleOrigins): string {
  const connect = ["'self'", ...new Set(origins.connect)].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    // Document previews: PDFs in an iframe from a blob: URL made from bytes the console fetched itself.
    'frame-src blob:',
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "manifest-src 'self'",
  ].join('; ');
}

/** The other security headers, as CloudFront names them in a response headers policy. */
export const CONSOLE_SECURITY_HEADERS = {
  referrerPolicy: 'no-referrer',
  frameOptions: 'DENY',
  contentTypeOptions: 'nosniff',
  strictTransportSecurity: 'max-age=63072000; includeSubDomains; preload',
} as const;
