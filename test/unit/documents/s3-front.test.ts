/**
 * The local S3 front's checks (packages/local-cloud/src/s3-front.ts): POST policies against forms signed by the
 * AWS SDK's own createPresignedPost, and presigned URLs against the SDK's getSignedUrl — an independent SigV4
 * implementation on both sides.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, test } from 'vitest';
import {
  checkPostPolicy,
  checkPresignedRequest,
  type PostForm,
  parsePostForm,
  postPolicySignature,
  s3ErrorXml,
} from '../../../packages/local-cloud/src/s3-front.ts';

const REGION = 'ap-southeast-1';
const BUCKET = 'tx-documents';
const KEY = 'quarantine/doc-1';

function client(credentials = { accessKeyId: 'local', secretAccessKey: 'local' }, region = REGION) {
  return new S3Client({ region, credentials, endpoint: 'http://localhost:3000/local-s3', forcePathStyle: true });
}

async function signedForm(
  options: { size?: number; key?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } = {},
) {
  const post = await createPresignedPost(client(options.credentials), {
    Bucket: BUCKET,
    Key: options.key ?? KEY,
    Conditions: [['content-length-range', options.size ?? 100, options.size ?? 100]],
    Fields: { 'Content-Type': 'application/pdf' },
    Expires: 300,
  });
  return post;
}

const formOf = (fields: Record<string, string>, size = 100, fileName = 'a.pdf'): PostForm => ({
  fields: Object.entries(fields),
  file: { size, fileName },
});

const signedAt = () => new Date(); // the forms are signed "now"; checks run at this instant

describe('a form as the SDK signs it', () => {
  test('is accepted, and the signature is the one the SDK computed', async () => {
    const { url, fields } = await signedForm();
    expect(url).toBe(`http://localhost:3000/local-s3/${BUCKET}`);
    const [, date, region, service] = fields['X-Amz-Credential']!.split('/');
    expect(postPolicySignature(fields.Policy!, 'local', [date!, region!, service!])).toBe(fields['X-Amz-Signature']);
    expect(checkPostPolicy({ bucket: BUCKET, form: formOf(fields), at: signedAt() })).toBeUndefined();
  });

  test('one byte more or less than content-length-range → EntityTooLarge / EntityTooSmall (400)', async () => {
    const { fields } = await signedForm();
    expect(checkPostPolicy({ bucket: BUCKET, form: formOf(fields, 101), at: signedAt() })).toEqual({
      status: 400,
      code: 'EntityTooLarge',
      message: 'Your proposed upload exceeds the maximum allowed size',
      extra: { ProposedSize: 101, MaxSizeAllowed: 100 },
    });
    expect(checkPostPolicy({ bucket: BUCKET, form: formOf(fields, 99), at: signedAt() })).toMatchObject({
      status: 400,
      code: 'EntityTooSmall',
      extra: { ProposedSize: 99, MinSizeAllowed: 100 },
    });
  });

  test('after its expiration → 403 AccessDenied "Policy expired"', async () => {
    const { fields } = await signedForm();
    const policy = JSON.parse(Buffer.from(fields.Policy!, 'base64').toString('utf8'));
    const expiration = new Date(policy.expiration).getTime();
    expect(checkPostPolicy({ bucket: BUCKET, form: formOf(fields), at: new Date(expiration - 1000) })).toBeUndefined();
    expect(checkPostPolicy({ bucket: BUCKET, form: formOf(fields), at: new Date(expiration) })).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy expired.',
    });
  });

  test('another Content-Type, key or bucket fails its condition (403)', async () => {
    const { fields } = await signedForm();
    const failed = (form: PostForm, bucket = BUCKET) => checkPostPolicy({ bucket, form, at: signedAt() });
    expect(failed(formOf({ ...fields, 'Content-Type': 'text/html' }))).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "application/pdf"]',
    });
    expect(failed(formOf({ ...fields, key: 'clean/x/doc-1' }))?.message).toContain('"$key"');
    expect(failed(formOf(fields), 'another-bucket')?.message).toContain('"$bucket"');
  });

  test('a field no condition names → 403 "Extra input fields"; x-ignore- fields are allowed', async () => {
    const { fields } = await signedForm();
    expect(
      checkPostPolicy({ bucket: BUCKET, form: formOf({ ...fields, acl: 'public-read' }), at: signedAt() }),
    ).toMatchObject({ status: 403, message: 'Invalid according to Policy: Extra input fields: acl' });
    expect(
      checkPostPolicy({ bucket: BUCKET, form: formOf({ ...fields, 'x-ignore-note': 'hi' }), at: signedAt() }),
    ).toBeUndefined();
  });

  test('a tampered policy or signature → SignatureDoesNotMatch; unknown key → InvalidAccessKeyId', async () => {
    const { fields } = await signedForm();
    const policy = JSON.parse(Buffer.from(fields.Policy!, 'base64').toString('utf8'));
    policy.conditions[0] = ['content-length-range', 1, 1_000_000_000];
    const widened = { ...fields, Policy: Buffer.from(JSON.stringify(policy)).toString('base64') };
    expect(checkPostPolicy({ bucket: BUCKET, form: formOf(widened, 5000), at: signedAt() })).toMatchObject({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
    const otherSecret = await signedForm({ credentials: { accessKeyId: 'local', secretAccessKey: 'guess' } });
    expect(checkPostPolicy({ bucket: BUCKET, form: formOf(otherSecret.fields), at: signedAt() })?.code).toBe(
      'SignatureDoesNotMatch',
    );
    const otherKey = await signedForm({ credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'local' } });
    expect(checkPostPolicy({ bucket: BUCKET, form: formOf(otherKey.fields), at: signedAt() })).toMatchObject({
      status: 403,
      code: 'InvalidAccessKeyId',
    });
  });

  test('no policy → 403; no key or no file → 400 InvalidArgument; undecodable policy → 400', async () => {
    const { fields } = await signedForm();
    const { Policy: _policy, ...withoutPolicy } = fields;
    expect(checkPostPolicy({ bucket: BUCKET, form: formOf(withoutPolicy), at: signedAt() })?.status).toBe(403);
    const { key: _key, ...withoutKey } = fields;
    expect(checkPostPolicy({ bucket: BUCKET, form: formOf(withoutKey), at: signedAt() })).toMatchObject({
      status: 400,
      code: 'InvalidArgument',
    });
    expect(checkPostPolicy({ bucket: BUCKET, form: { fields: Object.entries(fields) }, at: signedAt() })).toMatchObject(
      { status: 400, code: 'InvalidArgument', message: expect.stringContaining('file') },
    );
    expect(
      checkPostPolicy({ bucket: BUCKET, form: formOf({ ...fields, Policy: '!!not base64!!' }), at: signedAt() })
        ?.status,
    ).toBe(400);
  });

  test('starts-with, and the filename variable: the key is matched after substitution', async () => {
    const post = await createPresignedPost(client(), {
      Bucket: BUCKET,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: S3's literal variable
      Key: 'quarantine/user-1/${filename}',
      Conditions: [['content-length-range', 1, 100]],
      Expires: 300,
    });
    expect(
      checkPostPolicy({ bucket: BUCKET, form: formOf(post.fields, 10, 'scan.pdf'), at: signedAt() }),
    ).toBeUndefined();
    const escaped = { ...post.fields, key: 'clean/user-2/scan.pdf' };
    expect(checkPostPolicy({ bucket: BUCKET, form: formOf(escaped, 10), at: signedAt() })?.message).toBe(
      'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "quarantine/user-1/"]',
    );
  });
});

describe('parsing and answering', () => {
  test('multipart form: fields in order up to the file, its size and name; later fields ignored', async () => {
    const form = new FormData();
    form.append('key', 'quarantine/x');
    form.append('Content-Type', 'application/pdf');
    form.append('file', new Blob([new Uint8Array(37)]), 'C:\\Users\\an\\to-khai.pdf');
    form.append('after', 'ignored');
    const request = new Request('http://x/', { method: 'POST', body: form });
    const parsed = await parsePostForm(Buffer.from(await request.arrayBuffer()), request.headers.get('content-type')!);
    expect(parsed).toEqual({
      fields: [
        ['key', 'quarantine/x'],
        ['Content-Type', 'application/pdf'],
      ],
      file: { size: 37, fileName: 'to-khai.pdf' },
    });
    expect(await parsePostForm(Buffer.from('not multipart'), 'multipart/form-data; boundary=zzz')).toBeUndefined();
  });

  test("S3's XML error document, with its extra elements, escaped", () => {
    const xml = s3ErrorXml(
      { status: 400, code: 'EntityTooLarge', message: 'a < b & "c"', extra: { MaxSizeAllowed: 10 } },
      'REQ1',
    );
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>EntityTooLarge</Code>' +
        '<Message>a &lt; b &amp; &quot;c&quot;</Message><MaxSizeAllowed>10</MaxSizeAllowed>' +
        '<RequestId>REQ1</RequestId><HostId>REQ1</HostId></Error>',
    );
  });
});

describe('every other request must be a presigned URL', () => {
  const check = (url: string, method = 'GET', at = new Date(), host = 'localhost:3000') => {
    const parsed = new URL(url);
    return checkPresignedRequest({ method, path: parsed.pathname, query: parsed.searchParams, headers: { host }, at });
  };
  const download = (expiresIn = 300) =>
    getSignedUrl(
      client(),
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: 'clean/001099012345/doc-1',
        ResponseContentDisposition: 'attachment; filename="a.pdf"; filename*=UTF-8\'\'t%E1%BB%9D%20khai.pdf',
        ResponseContentType: 'application/pdf',
      }),
      { expiresIn },
    );

  test('a download URL as the SDK signs it is served, until it expires', async () => {
    const url = await download();
    expect(new URL(url).pathname).toBe(`/local-s3/${BUCKET}/clean/001099012345/doc-1`);
    expect(check(url)).toBeUndefined();
    expect(check(url, 'GET', new Date(Date.now() + 299_000))).toBeUndefined();
    expect(check(url, 'GET', new Date(Date.now() + 301_000))).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      message: 'Request has expired',
    });
  });

  test('the same URL for another method, key, host or query is refused (SignatureDoesNotMatch)', async () => {
    const url = await download();
    expect(check(url, 'DELETE')).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(check(url, 'PUT')).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(check(url.replace('doc-1', 'doc-2'))).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(check(url, 'GET', new Date(), 'evil.example:3000')).toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect(
      check(url.replace('response-content-type=application%2Fpdf', 'response-content-type=text%2Fhtml')),
    ).toMatchObject({ code: 'SignatureDoesNotMatch' });
    const other = await getSignedUrl(
      client({ accessKeyId: 'local', secretAccessKey: 'not-the-secret' }),
      new GetObjectCommand({ Bucket: BUCKET, Key: 'clean/001099012345/doc-1' }),
      { expiresIn: 60 },
    );
    expect(check(other)).toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  test('a presigned PUT or DELETE is served for its own method', async () => {
    const put = await getSignedUrl(client(), new PutObjectCommand({ Bucket: BUCKET, Key: KEY }), { expiresIn: 60 });
    expect(check(put, 'PUT')).toBeUndefined();
    const del = await getSignedUrl(client(), new DeleteObjectCommand({ Bucket: BUCKET, Key: KEY }), { expiresIn: 60 });
    expect(check(del, 'DELETE')).toBeUndefined();
    expect(check(del, 'GET')).toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  test('an unsigned listing, read, overwrite or delete is AccessDenied; a signed listing only with the key', async () => {
    for (const [method, path] of [
      ['GET', `/local-s3/${BUCKET}`],
      ['GET', `/local-s3/${BUCKET}?list-type=2&prefix=clean/`],
      ['GET', `/local-s3/${BUCKET}/clean/001099012345/doc-1`],
      ['PUT', `/local-s3/${BUCKET}/clean/001099012345/doc-1`],
      ['DELETE', `/local-s3/${BUCKET}/clean/001099012345/doc-1`],
      ['HEAD', `/local-s3/${BUCKET}/quarantine/doc-1`],
    ] as const) {
      expect(check(`http://localhost:3000${path}`, method), `${method} ${path}`).toMatchObject({
        status: 403,
        code: 'AccessDenied',
      });
    }
    const list = await getSignedUrl(client(), new ListObjectsV2Command({ Bucket: BUCKET }), { expiresIn: 60 });
    expect(check(list)).toBeUndefined();
  });
});
