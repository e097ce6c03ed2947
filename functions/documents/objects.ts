/**
 * The only code that touches the documents bucket: presigned POST forms and GET URLs for browsers (signed
 * with the presign client, which locally names the gateway's S3 front), reading a quarantined object to
 * verify it, and moving it out of quarantine.
 */
import { createHash } from 'node:crypto';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3Client, s3PresignClient } from '#platform/aws.ts';
import { clockOffsetMs } from '#platform/clock.ts';
import { bucketName, isLocal } from '#platform/env.ts';
import { stripVietnameseMarks } from '#platform/text.ts';
import { normalizeEtag, type ObjectFacts } from './domain/document.ts';

export const documentsBucketName = (): string => bucketName('documents');

/**
 * Locally, forms and URLs are dated by the one clock (POST /dev/clock moves it) and the S3 front checks
 * their expiry against the same clock. On AWS the offset is always 0 and the SDK keeps its own skew fix.
 */
function presigner(): S3Client {
  const client = s3PresignClient();
  if (isLocal()) client.config.systemClockOffset = clockOffsetMs();
  return client;
}

export interface UploadForm {
  url: string;
  fields: Record<string, string>;
}

/**
 * A presigned POST for exactly one object: this key, this Content-Type, exactly `size` bytes
 * (content-length-range [size, size]), valid `expiresSeconds`.
 */
export async function presignUpload(input: {
  key: string;
  contentType: string;
  size: number;
  expiresSeconds: number;
}): Promise<UploadForm> {
  const { url, fields } = await createPresignedPost(presigner(), {
    Bucket: documentsBucketName(),
    Key: input.key,
    Conditions: [['content-length-range', input.size, input.size]],
    Fields: { 'Content-Type': input.contentType },
    Expires: input.expiresSeconds,
  });
  return { url, fields };
}

/** RFC 6266 / 5987: an ASCII fallback and the exact UTF-8 name (Vietnamese file names). */
export function contentDisposition(fileName: string): string {
  const fallback = stripVietnameseMarks(fileName).replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export async function presignDownload(input: {
  key: string;
  fileName: string;
  contentType: string;
  expiresSeconds: number;
}): Promise<string> {
  return getSignedUrl(
    presigner(),
    new GetObjectCommand({
      Bucket: documentsBucketName(),
      Key: input.key,
      ResponseContentDisposition: contentDisposition(input.fileName),
      ResponseContentType: input.contentType,
    }),
    { expiresIn: input.expiresSeconds },
  );
}

const isMissing = (error: unknown): boolean =>
  error instanceof NoSuchKey ||
  error instanceof NotFound ||
  (error as { name?: string }).name === 'NotFound' ||
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

export async function objectExists(key: string): Promise<boolean> {
  try {
    await s3Client().send(new HeadObjectCommand({ Bucket: documentsBucketName(), Key: key }));
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/**
 * Reads the whole object once: its size, first bytes, SHA-256 and ETag (so that what is later copied can be
 * proved to be what was read). Undefined when there is no object.
 */
export async function readObjectFacts(key: string, headBytes: number): Promise<ObjectFacts | undefined> {
  let response: GetObjectCommandOutput;
  try {
    response = await s3Client().send(new GetObjectCommand({ Bucket: documentsBucketName(), Key: key }));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  for await (const chunk of (response.Body ?? []) as AsyncIterable<Uint8Array>) {
    const bytes = Buffer.from(chunk);
    hash.update(bytes);
    size += bytes.length;
    if (headLength < headBytes) {
      head.push(bytes.subarray(0, headBytes - headLength));
      headLength += Math.min(bytes.length, headBytes - headLength);
    }
  }
  return {
    size,
    head: new Uint8Array(Buffer.concat(head)),
    sha256: hash.digest('hex'),
    etag: normalizeEtag(response.ETag ?? ''),
  };
}

/** SHA-256 (hex) of an object as stored now, or undefined when it is gone. */
export async function objectSha256(key: string): Promise<string | undefined> {
  return (await readObjectFacts(key, 0))?.sha256;
}

/**
 * Copies the verified object out of quarantine. `CopySourceIfMatch` makes S3 refuse if the key was
 * overwritten since it was verified; the returned ETag is checked too (the emulator ignores the condition).
 */
export async function copyVerifiedObject(from: string, to: string, verifiedEtag: string): Promise<void> {
  const bucket = documentsBucketName();
  const copied = await s3Client().send(
    new CopyObjectCommand({
      Bucket: bucket,
      Key: to,
      CopySource: `${bucket}/${from.split('/').map(encodeURIComponent).join('/')}`,
      CopySourceIfMatch: `"${verifiedEtag}"`,
    }),
  );
  const etag = normalizeEtag(copied.CopyObjectResult?.ETag ?? '');
  if (etag !== verifiedEtag) {
    await deleteObject(to);
    throw new Error(`object ${from} changed after it was verified`);
  }
}

export async function deleteObject(key: string): Promise<void> {
  await s3Client().send(new DeleteObjectCommand({ Bucket: documentsBucketName(), Key: key }));
}

/** Puts a file motcua fetched itself (forwarded from the national portal) into quarantine, as an upload would. */
export async function putQuarantinedObject(key: string, body: Uint8Array, contentType: string): Promise<void> {
  await s3Client().send(
    new PutObjectCommand({ Bucket: documentsBucketName(), Key: key, Body: body, ContentType: contentType }),
  );
}
