/**
 * The local S3 front at `/local-s3/<bucket>`: presigned URLs and POST forms handed to browsers name it, and
 * it forwards to the emulator. The emulator (fauxqs) stores whatever a POST form sends; real S3 enforces the
 * form's policy. So, for a browser-style POST (multipart/form-data) this front does what S3 does first:
 * parse the form, decode the base64 `Policy`, verify `X-Amz-Signature` (SigV4 over the policy, with the
 * local credentials), check the expiry (against the one clock, which also dates the forms locally), that
 * every field is covered by a condition and every condition holds (bucket, key eq/starts-with, Content-Type,
 * content-length-range against the file's size) — answering S3's XML errors — and only then forwards.
 * Every other request (GET, HEAD, PUT, DELETE, a listing) must be a presigned URL, as for a private bucket on S3:
 * SigV4 in the query (X-Amz-Signature over the method, path, query and signed headers, with the local credentials),
 * not expired (X-Amz-Date + X-Amz-Expires, against the one clock that dates the URLs); anything else is 403
 * AccessDenied, so nobody lists the bucket (whose keys carry ID numbers) or reads, overwrites or deletes a file
 * without a URL the documents context handed out.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { now } from '#platform/clock.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators.ts';

/** An S3 error answer: status, code and message as S3 gives them, plus the extra elements it adds. */
export interface S3Failure {
  status: number;
  code: string;
  message: string;
  extra?: Record<string, string | number>;
}

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** S3's error document. */
export function s3ErrorXml(failure: S3Failure, requestId: string): string {
  const extra = Object.entries(failure.extra ?? {})
    .map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${failure.code}</Code><Message>${escapeXml(failure.message)}</Message>${extra}` +
    `<RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`
  );
}

/** The parsed form: fields before `file` in order (S3 ignores any after it), and the file part. */
export interface PostForm {
  fields: [name: string, value: string][];
  file?: { size: number; fileName: string };
}

const accessDenied = (message: string): S3Failure => ({ status: 403, code: 'AccessDenied', message });
const policyFailed = (detail: string): S3Failure => accessDenied(`Invalid according to Policy: ${detail}`);
const invalidPolicy = (detail: string): S3Failure => ({
  status: 400,
  code: 'InvalidPolicyDocument',
  message: `Invalid Policy: ${detail}`,
});
const missingField = (name: string): S3Failure => ({
  status: 400,
  code: 'InvalidArgument',
  message: `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
  extra: { ArgumentName: name, ArgumentValue: '' },
});

// biome-ignore lint/suspicious/noTemplateCurlyInString: S3's own literal variable in form keys
const FILENAME_VARIABLE = '${filename}';

/** Fields S3 never requires a condition for. */
const EXEMPT_FIELDS = new Set(['policy', 'x-amz-signature', 'file']);

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** SigV4 for POST policies: HMAC of the base64 policy with the key derived for date/region/service. */
export function postPolicySignature(base64Policy: string, secretAccessKey: string, scope: string[]): string {
  const [date, region, service] = scope;
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date!), region!), service!), 'aws4_request');
  return hmac(signingKey, base64Policy).toString('hex');
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

type Condition =
  | { kind: 'eq'; field: string; value: string; text: string }
  | { kind: 'starts-with'; field: string; value: string; text: string }
  | { kind: 'range'; min: number; max: number };

function parseConditions(conditions: unknown): Condition[] | S3Failure {
  if (!Array.isArray(conditions)) return invalidPolicy('Policy missing conditions.');
  const parsed: Condition[] = [];
  for (const condition of conditions) {
    if (Array.isArray(condition)) {
      const [op, a, b] = condition as unknown[];
      const operator = typeof op === 'string' ? op.toLowerCase() : '';
      if (operator === 'content-length-range') {
        const min = Number(a);
        const max = Number(b);
        if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
          return invalidPolicy('Invalid content-length-range condition.');
        }
        parsed.push({ kind: 'range', min, max });
        continue;
      }
      if ((operator === 'eq' || operator === 'starts-with') && typeof a === 'string' && a.startsWith('$')) {
        if (typeof b !== 'string') return invalidPolicy(`Invalid ${operator} condition.`);
        parsed.push({
          kind: operator,
          field: a.slice(1).toLowerCase(),
          value: b,
          text: `["${operator}", "${a}", "${b}"]`,
        });
        continue;
      }
      return invalidPolicy(`Invalid condition: ${JSON.stringify(condition)}`);
    }
    if (condition && typeof condition === 'object') {
      const entries = Object.entries(condition as Record<string, unknown>);
      if (entries.length !== 1 || typeof entries[0]![1] !== 'string') {
        return invalidPolicy(`Invalid condition: ${JSON.stringify(condition)}`);
      }
      const [name, value] = entries[0] as [string, string];
      parsed.push({ kind: 'eq', field: name.toLowerCase(), value, text: `["eq", "$${name}", "${value}"]` });
      continue;
    }
    return invalidPolicy(`Invalid condition: ${JSON.stringify(condition)}`);
  }
  return parsed;
}

/**
 * Checks a POST form against its policy as S3 does; undefined when S3 would accept the upload.
 * `at` is "now" (the local clock); `credentials` the only key pair the local cloud knows.
 */
export function checkPostPolicy(input: {
  bucket: string;
  form: PostForm;
  at: Date;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  region?: string;
}): S3Failure | undefined {
  const credentials = input.credentials ?? LOCAL_CREDENTIALS;
  const region = input.region ?? LOCAL_REGION;
  const byName = new Map<string, string>();
  for (const [name, value] of input.form.fields) byName.set(name.toLowerCase(), value);

  if (!byName.has('key')) return missingField('key');
  if (!input.form.file) {
    return {
      status: 400,
      code: 'InvalidArgument',
      message: 'POST requires exactly one file upload per request.',
      extra: { ArgumentName: 'file', ArgumentValue: '0' },
    };
  }
  const base64Policy = byName.get('policy');
  // Without a policy the POST is anonymous, and no bucket of ours is publicly writable.
  if (base64Policy === undefined) return accessDenied('Access Denied');
  for (const name of ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Signature']) {
    if (!byName.has(name.toLowerCase())) return missingField(name);
  }
  if (byName.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') {
    return {
      status: 400,
      code: 'InvalidArgument',
      message: 'Invalid X-Amz-Algorithm: only AWS4-HMAC-SHA256 is supported.',
      extra: { ArgumentName: 'X-Amz-Algorithm', ArgumentValue: byName.get('x-amz-algorithm') ?? '' },
    };
  }

  let policy: { expiration?: unknown; conditions?: unknown };
  try {
    const text = Buffer.from(base64Policy, 'base64').toString('utf8');
    if (Buffer.from(text, 'utf8').toString('base64').replace(/=+$/, '') !== base64Policy.replace(/=+$/, '')) {
      return invalidPolicy('Policy could not be decoded from base64.');
    }
    policy = JSON.parse(text) as typeof policy;
  } catch {
    return invalidPolicy('Invalid JSON.');
  }
  if (!policy || typeof policy !== 'object') return invalidPolicy('Invalid JSON.');

  const credential = byName.get('x-amz-credential')!.split('/');
  const [accessKeyId, date, scopeRegion, service, terminator] = credential;
  if (credential.length !== 5 || service !== 's3' || terminator !== 'aws4_request' || !/^\d{8}$/.test(date ?? '')) {
    return {
      status: 400,
      code: 'InvalidArgument',
      message: 'Invalid X-Amz-Credential: it must be <access key>/<yyyymmdd>/<region>/s3/aws4_request.',
      extra: { ArgumentName: 'X-Amz-Credential', ArgumentValue: byName.get('x-amz-credential') ?? '' },
    };
  }
  if (accessKeyId !== credentials.accessKeyId) {
    return {
      status: 403,
      code: 'InvalidAccessKeyId',
      message: 'The AWS Access Key Id you provided does not exist in our records.',
      extra: { AWSAccessKeyId: accessKeyId ?? '' },
    };
  }
  if (scopeRegion !== region) {
    return {
      status: 400,
      code: 'AuthorizationHeaderMalformed',
      message: `The authorization header is malformed; the region '${scopeRegion}' is wrong; expecting '${region}'`,
      extra: { Region: region },
    };
  }
  const expected = postPolicySignature(base64Policy, credentials.secretAccessKey, [date!, scopeRegion!, service!]);
  if (!sameHex(expected, (byName.get('x-amz-signature') ?? '').toLowerCase())) {
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      extra: { AWSAccessKeyId: accessKeyId },
    };
  }

  if (typeof policy.expiration !== 'string') return invalidPolicy('Policy missing expiration.');
  const expiration = new Date(policy.expiration);
  if (Number.isNaN(expiration.getTime())) return invalidPolicy('Invalid expiration.');
  if (expiration.getTime() <= input.at.getTime()) return policyFailed('Policy expired.');

  const conditions = parseConditions(policy.conditions);
  if (!Array.isArray(conditions)) return conditions;

  // Every field must be named by a condition (S3: "Extra input fields").
  const covered = new Set(conditions.flatMap((c) => (c.kind === 'range' ? [] : [c.field])));
  const extra = input.form.fields
    .map(([name]) => name)
    .filter((name) => {
      const lower = name.toLowerCase();
      return !EXEMPT_FIELDS.has(lower) && !lower.startsWith('x-ignore-') && !covered.has(lower);
    });
  if (extra.length > 0) return policyFailed(`Extra input fields: ${extra.join(', ')}`);

  // S3 substitutes the uploaded file's name for the literal `${filename}` in the key.
  const key = byName.get('key')!.replaceAll(FILENAME_VARIABLE, input.form.file.fileName);
  const fieldValue = (field: string): string =>
    field === 'bucket' ? input.bucket : field === 'key' ? key : (byName.get(field) ?? '');
  for (const condition of conditions) {
    if (condition.kind === 'range') {
      const size = input.form.file.size;
      if (size > condition.max) {
        return {
          status: 400,
          code: 'EntityTooLarge',
          message: 'Your proposed upload exceeds the maximum allowed size',
          extra: { ProposedSize: size, MaxSizeAllowed: condition.max },
        };
      }
      if (size < condition.min) {
        return {
          status: 400,
          code: 'EntityTooSmall',
          message: 'Your proposed upload is smaller than the minimum allowed size',
          extra: { ProposedSize: size, MinSizeAllowed: condition.min },
        };
      }
      continue;
    }
    const actual = fieldValue(condition.field);
    const holds = condition.kind === 'eq' ? actual === condition.value : actual.startsWith(condition.value);
    if (!holds) return policyFailed(`Policy Condition failed: ${condition.text}`);
  }
  return undefined;
}

/** RFC 3986 percent-encoding, as SigV4 wants it (what the AWS SDK's escapeUri does). */
const escapeUri = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `20260301T090000Z` as an instant; undefined when it is not one. */
function amzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const at = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/**
 * Checks a request against its presigned query as S3 does (SigV4, UNSIGNED-PAYLOAD); undefined when S3 would
 * serve it. `path` is the path exactly as requested (with the front's /local-s3 prefix, which the URL was signed
 * with), `headers` the request's (lower-case names), `at` now on the local clock.
 */
export function checkPresignedRequest(input: {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  at: Date;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  region?: string;
}): S3Failure | undefined {
  const credentials = input.credentials ?? LOCAL_CREDENTIALS;
  const region = input.region ?? LOCAL_REGION;
  const q = (name: string) => input.query.get(name) ?? undefined;
  const signature = q('X-Amz-Signature');
  const credential = q('X-Amz-Credential');
  const date = q('X-Amz-Date');
  const expires = q('X-Amz-Expires');
  const signedHeaders = q('X-Amz-SignedHeaders');
  // No signature at all: an anonymous request, and no bucket of ours is public.
  if (!signature || !credential || !date || !expires || !signedHeaders) return accessDenied('Access Denied');
  if (q('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
    return accessDenied('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  const scope = credential.split('/');
  const [accessKeyId, day, scopeRegion, service, terminator] = scope;
  const signedAt = amzDate(date);
  const seconds = Number(expires);
  if (
    scope.length !== 5 ||
    service !== 's3' ||
    terminator !== 'aws4_request' ||
    !signedAt ||
    day !== date.slice(0, 8)
  ) {
    return accessDenied('Error parsing the X-Amz-Credential parameter');
  }
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 604_800) {
    return accessDenied('X-Amz-Expires must be between 1 and 604800 seconds');
  }
  if (accessKeyId !== credentials.accessKeyId) {
    return {
      status: 403,
      code: 'InvalidAccessKeyId',
      message: 'The AWS Access Key Id you provided does not exist in our records.',
      extra: { AWSAccessKeyId: accessKeyId ?? '' },
    };
  }
  if (scopeRegion !== region) {
    return {
      status: 400,
      code: 'AuthorizationQueryParametersError',
      message: `Error parsing the X-Amz-Credential parameter; the region '${scopeRegion}' is wrong; expecting '${region}'`,
      extra: { Region: region },
    };
  }
  if (signedAt.getTime() + seconds * 1000 <= input.at.getTime()) return accessDenied('Request has expired');

  const pairs = [...input.query.entries()].filter(([name]) => name !== 'X-Amz-Signature');
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const canonicalQuery = pairs.map(([name, value]) => `${escapeUri(name)}=${escapeUri(value)}`).join('&');
  const names = signedHeaders.split(';');
  const canonicalHeaders = names
    .map((name) => `${name}:${(input.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    input.method.toUpperCase(),
    input.path,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    date,
    `${day}/${scopeRegion}/${service}/aws4_request`,
    createHash('sha256').update(canonicalRequest, 'utf8').digest('hex'),
  ].join('\n');
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day!), scopeRegion!), service!),
    'aws4_request',
  );
  if (!sameHex(hmac(signingKey, stringToSign).toString('hex'), signature.toLowerCase())) {
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      extra: { AWSAccessKeyId: accessKeyId },
    };
  }
  return undefined;
}

/** Parses a multipart/form-data body; undefined when it is not well-formed. */
export async function parsePostForm(body: Buffer, contentType: string): Promise<PostForm | undefined> {
  let data: FormData;
  try {
    data = await new Request('http://local-s3/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    }).formData();
  } catch {
    return undefined;
  }
  const form: PostForm = { fields: [] };
  for (const [name, value] of data.entries()) {
    if (name.toLowerCase() === 'file') {
      form.file =
        typeof value === 'string'
          ? { size: Buffer.byteLength(value, 'utf8'), fileName: '' }
          : { size: value.size, fileName: value.name.split(/[\\/]/).pop() ?? '' };
      break; // S3 ignores fields after the file
    }
    if (typeof value === 'string') form.fields.push([name, value]);
  }
  return form;
}

function sendS3Error(res: ServerResponse, failure: S3Failure): void {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  res.writeHead(failure.status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId });
  res.end(s3ErrorXml(failure, requestId));
}

async function forward(
  req: IncomingMessage,
  res: ServerResponse,
  target: URL,
  body: Buffer,
  headers: Record<string, string>,
): Promise<void> {
  const method = req.method ?? 'GET';
  const response = await fetch(target, {
    method,
    headers,
    ...(body.length > 0 && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
    redirect: 'manual',
  });
  const out: Record<string, string> = {};
  response.headers.forEach((v, k) => {
    if (k !== 'content-encoding' && k !== 'transfer-encoding' && k !== 'connection') out[k] = v;
  });
  res.writeHead(response.status, out);
  res.end(Buffer.from(await response.arrayBuffer()));
}

export async function handleS3Front(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
  s3Endpoint: string,
): Promise<void> {
  const path = url.pathname.replace(/^\/local-s3/, '');
  const target = new URL(path + url.search, s3Endpoint);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined && k !== 'host' && k !== 'connection' && k !== 'content-length')
      headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  const contentType = headers['content-type'] ?? '';
  const method = (req.method ?? 'GET').toUpperCase();
  if (method !== 'POST' || !/^multipart\/form-data/i.test(contentType)) {
    const refused = checkPresignedRequest({
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: { ...headers, host: req.headers.host },
      at: now(),
    });
    if (refused) {
      sendS3Error(res, refused);
      return;
    }
    await forward(req, res, target, body, headers);
    return;
  }

  const bucket = decodeURIComponent(path.split('/')[1] ?? '');
  const form = await parsePostForm(body, contentType);
  if (!form) {
    sendS3Error(res, {
      status: 400,
      code: 'MalformedPOSTRequest',
      message: 'The body of your POST request is not well-formed multipart/form-data.',
    });
    return;
  }
  const failure = checkPostPolicy({ bucket, form, at: now() });
  if (failure) {
    sendS3Error(res, failure);
    return;
  }
  // The object's key comes from the form: post to the bucket itself, as S3 is addressed for a form upload.
  await forward(req, res, new URL(`/${encodeURIComponent(bucket)}${url.search}`, s3Endpoint), body, headers);
}
