/**
 * CORS of the API, one rule for the deployed HTTP API (infra/stacks/api-stack.ts) and the local gateway
 * (packages/local-cloud/src/runtime.ts), so a browser client sees the same thing in both: the province's portal
 * origin allowed (its config), the request headers clients send, and the response headers they must read — a
 * browser hides every other response header from a script on another origin.
 */

/** Request headers a browser client may send. */
export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'if-match', 'accept-language'];

/**
 * Response headers a browser client may read: the version to send back in If-Match (ETag), the created resource
 * (Location), whether an idempotent request was answered from the stored answer (Idempotent-Replayed), when to try
 * again after a 429/503 (Retry-After), and whether a re-sync request started a job or found the running one.
 */
export const CORS_EXPOSED_HEADERS = ['etag', 'location', 'idempotent-replayed', 'retry-after', 'x-resync-created'];

/** How long a browser may keep a preflight answer, in seconds. */
export const CORS_MAX_AGE_SECONDS = 600;
