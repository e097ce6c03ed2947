/**
 * Documents through HTTP on the local cloud: presigned POST uploads enforced by the S3 front as S3 would,
 * verification by content, ownership and grants from dossier events, the access log, the citizen's store,
 * and electronic results signed on dossier.resolved and publicly verifiable.
 *
 * The dossiers context's routes have not landed yet, so dossier events are published on the real bus
 * (SNS, with the `type` attribute) exactly as the outbox publisher does.
 */
import { createHash, randomUUID } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DossierEventType, DossierSnapshot } from '#dossiers/events.ts';
import { seedLocalProvince } from '#local-cloud/seed.ts';
import { dynamoDocumentClient, s3Client, snsClient } from '#platform/aws.ts';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';

const CITIZEN = { sub: '001099012345', roles: ['citizen'] };
const OTHER_CITIZEN = { sub: '079200000001', roles: ['citizen'] };
const AGENCY = '000.00.15.H19';
const OTHER_AGENCY = '000.00.06.H19';
const OFFICER = { sub: 'officer-15', roles: ['officer'], agencyCode: AGENCY, name: 'Cán bộ 15' };
const OTHER_OFFICER = { sub: 'officer-06', roles: ['officer'], agencyCode: OTHER_AGENCY, name: 'Cán bộ 06' };

const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40, 7)]);
const EXE = Buffer.concat([Buffer.from('MZ', 'latin1'), Buffer.alloc(62, 0), Buffer.from('This program cannot')]);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let cloud: TestCloud;
let citizen: string;
let otherCitizen: string;
let officer: string;
let otherOfficer: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  await seedLocalProvince(cloud);
  [citizen, otherCitizen, officer, otherOfficer] = await Promise.all([
    cloud.token(CITIZEN),
    cloud.token(OTHER_CITIZEN),
    cloud.token(OFFICER),
    cloud.token(OTHER_OFFICER),
  ]);
  await cloud.settle(90_000); // the seeded catalog's events reach every context
});
afterAll(async () => {
  await cloud?.stop();
});

interface Upload {
  documentId: string;
  upload: { url: string; fields: Record<string, string> };
  expiresAt: string;
}

async function openUpload(token: string, body: Record<string, unknown>): Promise<Upload> {
  const res = await cloud.fetch('/documents', { token, body });
  expect(res.status, res.text).toBe(201);
  return res.json as Upload;
}

/** The browser's side: the form's fields as given, then the file. */
async function postForm(
  upload: Upload['upload'],
  bytes: Uint8Array,
  change: (fields: Record<string, string>) => Record<string, string> = (f) => f,
) {
  const form = new FormData();
  for (const [name, value] of Object.entries(change({ ...upload.fields }))) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(bytes)]), 'upload.bin');
  const res = await fetch(upload.url, { method: 'POST', body: form });
  return { status: res.status, text: await res.text() };
}

async function uploadAndComplete(token: string, bytes: Buffer, body: Record<string, unknown>) {
  const opened = await openUpload(token, { size: bytes.length, ...body });
  const posted = await postForm(opened.upload, bytes);
  expect(posted.status, posted.text).toBeLessThan(300);
  const completed = await cloud.fetch(`/documents/${opened.documentId}/complete`, { token, method: 'POST' });
  expect(completed.status, completed.text).toBe(200);
  return { documentId: opened.documentId, completed: completed.json };
}

async function download(token: string, documentId: string) {
  const res = await cloud.fetch(`/documents/${documentId}/content`, { token });
  if (res.status !== 302) return { status: res.status, bytes: undefined };
  const file = await fetch(res.headers.get('location')!);
  return { status: file.status, bytes: Buffer.from(await file.arrayBuffer()), location: res.headers.get('location') };
}

async function outboxEvents(type: string): Promise<{ subject: string; data: Record<string, unknown> }[]> {
  const found = await dynamoDocumentClient().send(
    new ScanCommand({
      TableName: cloud.resources.tables.get('documents')!.name,
      FilterExpression: '#type = :type',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':type': type },
    }),
  );
  return (found.Items ?? []).map((i) => JSON.parse(String(i.event)));
}

const bucket = () => cloud.resources.buckets.get('documents')!;

async function objectExists(key: string): Promise<boolean> {
  try {
    await s3Client().send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
    return true;
  } catch {
    return false;
  }
}

describe('upload, verification, download', () => {
  test('a citizen uploads a PDF with the form, completes it, and downloads the same bytes', async () => {
    const opened = await openUpload(citizen, {
      fileName: 'Giấy khai sinh.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
      sha256: sha256(PDF),
    });
    expect(opened.upload.url).toContain('/local-s3/');
    expect(opened.upload.fields.key).toBe(`quarantine/${opened.documentId}`);
    const policy = JSON.parse(Buffer.from(opened.upload.fields.Policy!, 'base64').toString('utf8'));
    expect(policy.conditions).toContainEqual(['content-length-range', PDF.length, PDF.length]);
    expect(new Date(policy.expiration).getTime() - Date.now()).toBeLessThanOrEqual(300_000);
    expect(new Date(policy.expiration).getTime() - Date.now()).toBeGreaterThan(240_000);

    expect((await postForm(opened.upload, PDF)).status).toBe(204);
    const completed = await cloud.fetch(`/documents/${opened.documentId}/complete`, { token: citizen, method: 'POST' });
    expect(completed.json).toEqual({
      documentId: opened.documentId,
      status: 'clean',
      scanStatus: 'skipped (local)',
      usable: true,
    });
    // Out of quarantine, under the owner's clean/ prefix.
    expect(await objectExists(`quarantine/${opened.documentId}`)).toBe(false);
    expect(await objectExists(`clean/${CITIZEN.sub}/${opened.documentId}`)).toBe(true);

    const meta = await cloud.fetch(`/documents/${opened.documentId}`, { token: citizen });
    expect(meta.status).toBe(200);
    expect(meta.json).toMatchObject({
      fileName: 'Giấy khai sinh.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
      sha256: sha256(PDF),
      status: 'clean',
      usable: true,
      digitized: false,
      ownerIdNumber: CITIZEN.sub,
    });

    const got = await download(citizen, opened.documentId);
    expect(got.status).toBe(200);
    expect(got.bytes!.equals(PDF)).toBe(true);
    expect(new URL(got.location!).searchParams.get('X-Amz-Expires')).toBe('300');

    // Completing again changes nothing and publishes nothing more.
    const again = await cloud.fetch(`/documents/${opened.documentId}/complete`, { token: citizen, method: 'POST' });
    expect(again.json.status).toBe('clean');
    const verified = (await outboxEvents('document.verified')).filter((e) => e.subject === opened.documentId);
    expect(verified).toHaveLength(1);
    expect(verified[0]!.data).toMatchObject({
      documentId: opened.documentId,
      ownerIdNumber: CITIZEN.sub,
      status: 'clean',
      sha256: sha256(PDF),
      size: PDF.length,
      digitized: false,
    });

    const store = await cloud.fetch('/me/documents', { token: citizen });
    expect(store.json.items.map((d: { documentId: string }) => d.documentId)).toContain(opened.documentId);
  });

  test('an executable named .pdf is rejected, deleted, never downloadable, and the reason kept', async () => {
    const { documentId, completed } = await uploadAndComplete(citizen, EXE, {
      fileName: 'hoa-don.pdf',
      contentType: 'application/pdf',
    });
    expect(completed).toMatchObject({ status: 'rejected', reason: 'executable', usable: false });
    expect(await objectExists(`quarantine/${documentId}`)).toBe(false);
    expect((await download(citizen, documentId)).status).toBe(409);
    const meta = await cloud.fetch(`/documents/${documentId}`, { token: citizen });
    expect(meta.json).toMatchObject({ status: 'rejected', reason: 'executable' });
    expect((await outboxEvents('document.rejected')).map((e) => e.subject)).toContain(documentId);
    const store = await cloud.fetch('/me/documents', { token: citizen });
    expect(store.json.items.map((d: { documentId: string }) => d.documentId)).not.toContain(documentId);
  });

  test('a PNG declared as a PDF, or a file whose SHA-256 differs from the declared one, is rejected', async () => {
    const mismatched = await uploadAndComplete(citizen, PNG, { fileName: 'a.pdf', contentType: 'application/pdf' });
    expect(mismatched.completed).toMatchObject({ status: 'rejected', reason: 'type-mismatch' });
    const wrongHash = await uploadAndComplete(citizen, PDF, {
      fileName: 'b.pdf',
      contentType: 'application/pdf',
      sha256: sha256(PNG),
    });
    expect(wrongHash.completed).toMatchObject({ status: 'rejected', reason: 'checksum-mismatch' });
  });

  test('completing before anything was uploaded is a 409, and the document stays pending', async () => {
    const opened = await openUpload(citizen, { fileName: 'x.pdf', contentType: 'application/pdf', size: PDF.length });
    const early = await cloud.fetch(`/documents/${opened.documentId}/complete`, { token: citizen, method: 'POST' });
    expect(early.status).toBe(409);
    expect((await cloud.fetch(`/documents/${opened.documentId}`, { token: citizen })).json.status).toBe('pending');
  });

  test('declared types and sizes: outside the defaults, or the requirement of a procedure, is a 400', async () => {
    const exe = await cloud.fetch('/documents', {
      token: citizen,
      body: { fileName: 'a.exe', contentType: 'application/x-msdownload', size: 10 },
    });
    expect(exe.status).toBe(400);
    const huge = await cloud.fetch('/documents', {
      token: citizen,
      body: { fileName: 'a.pdf', contentType: 'application/pdf', size: 20 * 1024 * 1024 + 1 },
    });
    expect(huge.status).toBe(400);
    // 3.000347's ANH_GPLX (driving-licence photo) accepts image/jpeg and image/png up to 5 MB only.
    const photo = { procedureCode: '3.000347', requirementCode: 'ANH_GPLX' };
    const pdfForPhoto = await cloud.fetch('/documents', {
      token: citizen,
      body: { fileName: 'a.pdf', contentType: 'application/pdf', size: 100, ...photo },
    });
    expect(pdfForPhoto.status).toBe(400);
    expect(pdfForPhoto.json.errors[0].path).toBe('body.contentType');
    const tooBig = await cloud.fetch('/documents', {
      token: citizen,
      body: { fileName: 'a.png', contentType: 'image/png', size: 5 * 1024 * 1024 + 1, ...photo },
    });
    expect(tooBig.status).toBe(400);
    const ok = await cloud.fetch('/documents', {
      token: citizen,
      body: { fileName: 'a.png', contentType: 'image/png', size: 5 * 1024 * 1024, ...photo },
    });
    expect(ok.status).toBe(201);
    expect(ok.json.maxBytes).toBe(5 * 1024 * 1024);
    const unknown = await cloud.fetch('/documents', {
      token: citizen,
      body: {
        fileName: 'a.png',
        contentType: 'image/png',
        size: 10,
        procedureCode: '3.000347',
        requirementCode: 'NOPE',
      },
    });
    expect(unknown.status).toBe(400);
  });
});

describe('the S3 front enforces the POST policy as S3 does', () => {
  test('a file larger (or smaller) than declared is refused, and nothing is stored', async () => {
    const opened = await openUpload(citizen, { fileName: 'a.pdf', contentType: 'application/pdf', size: PDF.length });
    const larger = await postForm(opened.upload, Buffer.concat([PDF, Buffer.from('x')]));
    expect(larger.status).toBe(400);
    expect(larger.text).toContain('<Code>EntityTooLarge</Code>');
    expect(larger.text).toContain(`<MaxSizeAllowed>${PDF.length}</MaxSizeAllowed>`);
    const smaller = await postForm(opened.upload, PDF.subarray(0, PDF.length - 1));
    expect(smaller.status).toBe(400);
    expect(smaller.text).toContain('<Code>EntityTooSmall</Code>');
    expect(await objectExists(`quarantine/${opened.documentId}`)).toBe(false);
  });

  test('an expired policy is refused (403), the same form accepted before', async () => {
    const opened = await openUpload(citizen, { fileName: 'a.pdf', contentType: 'application/pdf', size: PDF.length });
    const later = new Date(Date.now() + 6 * 60_000).toISOString();
    expect((await cloud.fetch('/dev/clock', { method: 'POST', body: { now: later } })).status).toBe(200);
    try {
      const expired = await postForm(opened.upload, PDF);
      expect(expired.status).toBe(403);
      expect(expired.text).toContain('<Code>AccessDenied</Code>');
      expect(expired.text).toContain('Policy expired');
    } finally {
      await cloud.fetch('/dev/clock', { method: 'DELETE' });
    }
    expect((await postForm(opened.upload, PDF)).status).toBe(204);
  });

  test('a changed Content-Type, key, an extra field or a forged signature is refused', async () => {
    const opened = await openUpload(citizen, { fileName: 'a.pdf', contentType: 'application/pdf', size: PDF.length });
    const otherType = await postForm(opened.upload, PDF, (f) => ({ ...f, 'Content-Type': 'text/html' }));
    expect(otherType.status).toBe(403);
    expect(otherType.text).toContain('Policy Condition failed');
    const otherKey = await postForm(opened.upload, PDF, (f) => ({ ...f, key: 'clean/001099012345/forged' }));
    expect(otherKey.status).toBe(403);
    const extraField = await postForm(opened.upload, PDF, (f) => ({ ...f, 'x-amz-meta-owner': 'someone' }));
    expect(extraField.status).toBe(403);
    expect(extraField.text).toContain('Extra input fields');
    const forged = await postForm(opened.upload, PDF, (f) => ({
      ...f,
      'X-Amz-Signature': f['X-Amz-Signature']!.replace(/^./, (c) => (c === '0' ? '1' : '0')),
    }));
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('<Code>SignatureDoesNotMatch</Code>');
    // A policy rewritten to allow more is no longer the one signed.
    const policy = JSON.parse(Buffer.from(opened.upload.fields.Policy!, 'base64').toString('utf8'));
    policy.conditions = policy.conditions.map((c: unknown) =>
      Array.isArray(c) && c[0] === 'content-length-range' ? ['content-length-range', 1, 10 ** 9] : c,
    );
    const widened = await postForm(opened.upload, Buffer.concat([PDF, PDF]), (f) => ({
      ...f,
      Policy: Buffer.from(JSON.stringify(policy)).toString('base64'),
    }));
    expect(widened.status).toBe(403);
    expect(await objectExists(`quarantine/${opened.documentId}`)).toBe(false);
  });
});

describe('ownership and access', () => {
  test('another citizen, or an official of an unrelated agency, gets 404 everywhere', async () => {
    const { documentId } = await uploadAndComplete(citizen, PDF, { fileName: 'a.pdf', contentType: 'application/pdf' });
    for (const token of [otherCitizen, otherOfficer, officer]) {
      expect((await cloud.fetch(`/documents/${documentId}`, { token })).status).toBe(404);
      expect((await cloud.fetch(`/documents/${documentId}/content`, { token })).status).toBe(404);
      expect((await cloud.fetch(`/documents/${documentId}/complete`, { token, method: 'POST' })).status).toBe(404);
    }
    expect((await cloud.fetch(`/documents/${documentId}`)).status).toBe(401);
  });

  test('every read is logged with who and when; the owner sees the log', async () => {
    const { documentId } = await uploadAndComplete(citizen, PDF, { fileName: 'a.pdf', contentType: 'application/pdf' });
    await cloud.fetch(`/documents/${documentId}`, { token: citizen });
    await download(citizen, documentId);
    await cloud.fetch(`/documents/${documentId}`, { token: otherCitizen }); // refused: not an access
    const log = await cloud.fetch(`/documents/${documentId}/accesses`, { token: citizen });
    expect(log.status).toBe(200);
    expect(log.json.items.map((e: { action: string }) => e.action)).toEqual(['content', 'metadata']);
    expect(log.json.items[0].by).toEqual({ sub: CITIZEN.sub, kind: 'citizen' });
    expect(Date.now() - new Date(log.json.items[0].at).getTime()).toBeLessThan(60_000);
    expect((await cloud.fetch(`/documents/${documentId}/accesses`, { token: otherCitizen })).status).toBe(404);
  });

  test("an official's scan for an applicant: the agency's, then in the applicant's store once a dossier of the agency carries it", async () => {
    const citizenTry = await cloud.fetch('/documents', {
      token: citizen,
      body: {
        fileName: 'a.pdf',
        contentType: 'application/pdf',
        size: 10,
        digitized: true,
        onBehalfOf: OTHER_CITIZEN.sub,
      },
    });
    expect(citizenTry.status).toBe(403);
    const { documentId, completed } = await uploadAndComplete(officer, PNG, {
      fileName: 'so-hoa.png',
      contentType: 'image/png',
      digitized: true,
      onBehalfOf: OTHER_CITIZEN.sub,
    });
    expect(completed.status).toBe('clean');
    const inStore = async () =>
      (await cloud.fetch('/me/documents', { token: otherCitizen })).json.items.find(
        (d: { documentId: string }) => d.documentId === documentId,
      );
    // Not in the applicant's store yet, nor theirs to read; the desk's agency has it.
    expect(await inStore()).toBeUndefined();
    expect((await cloud.fetch(`/documents/${documentId}`, { token: otherCitizen })).status).toBe(404);
    expect((await download(officer, documentId)).bytes!.equals(PNG)).toBe(true);

    const carried = [{ requirementCode: 'GIAY_TO_TUY_THAN', documentId, digitized: true, reused: false }];
    const applicant = {
      idNumber: OTHER_CITIZEN.sub,
      fullName: 'Trần Thị B',
      type: 'citizen' as const,
      language: 'vi' as const,
    };
    const stamp = String(Date.now()).slice(-4);
    // A dossier of another agency does not carry it into the store.
    await publishDossierEvent(
      'dossier.submitted',
      snapshot(`H19.06-250602-${stamp}`, {
        agencyCode: OTHER_AGENCY,
        currentAgencyCode: OTHER_AGENCY,
        applicant,
        documents: carried,
      }),
      OTHER_OFFICER,
    );
    expect(await inStore()).toBeUndefined();
    expect((await cloud.fetch(`/documents/${documentId}`, { token: otherOfficer })).status).toBe(404);
    // The dossier its desk took in for the applicant does.
    await publishDossierEvent(
      'dossier.submitted',
      snapshot(`H19.15-250602-${stamp}`, { channel: 'in_person', applicant, documents: carried }),
    );
    expect(await inStore()).toMatchObject({
      digitized: true,
      ownerIdNumber: OTHER_CITIZEN.sub,
      onBehalfOf: OTHER_CITIZEN.sub,
      ownerAgencyCode: AGENCY,
    });
    expect((await download(otherCitizen, documentId)).bytes!.equals(PNG)).toBe(true);
    expect((await download(officer, documentId)).bytes!.equals(PNG)).toBe(true);
    expect((await download(citizen, documentId)).status).toBe(404);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Dossier events, as the dossiers context's outbox publisher puts them on the bus

let eventSequence = 0;
function snapshot(code: string, overrides: Partial<DossierSnapshot>): DossierSnapshot {
  return {
    code,
    procedureCode: '2.000488',
    procedureName: 'Cấp đổi giấy phép lái xe',
    procedureVersion: 1,
    field: 'Đường bộ',
    agencyCode: AGENCY,
    currentAgencyCode: AGENCY,
    channel: 'online',
    applicant: { idNumber: CITIZEN.sub, fullName: 'Nguyễn Văn A', type: 'citizen', language: 'vi' },
    authenticatedWithVneid: true,
    status: 'submitted',
    nationalStatusCode: 1,
    version: 1,
    submittedAt: '2025-06-02T09:00:00+07:00',
    previousAppointments: [],
    timeliness: 'in_progress_on_time',
    supplements: [],
    steps: [],
    documents: [],
    fees: [],
    feeTotal: 0,
    paidOnline: false,
    resultType: 'electronic',
    resultDelivery: 'online',
    history: [],
    ...overrides,
  };
}

async function publishDossierEvent(type: DossierEventType, dossier: DossierSnapshot, by = OFFICER) {
  const event = {
    id: randomUUID(),
    type,
    version: 1,
    source: 'dossiers',
    subject: dossier.code,
    sequence: ++eventSequence,
    occurredAt: new Date().toISOString(),
    data: {
      dossier,
      entry: {
        at: new Date().toISOString(),
        action: type.slice('dossier.'.length),
        by: { sub: by.sub, agencyCode: by.agencyCode, role: 'officer' },
        from: null,
        to: dossier.status,
      },
    },
  };
  await snsClient().send(
    new PublishCommand({
      TopicArn: cloud.resources.topicArn,
      Message: JSON.stringify(event),
      MessageAttributes: {
        type: { DataType: 'String', StringValue: type },
        source: { DataType: 'String', StringValue: 'dossiers' },
      },
    }),
  );
  await cloud.settle(30_000);
}

describe('grants from dossier events', () => {
  test('officials of the handling agency (and of the agency it is transferred to) may read the documents', async () => {
    const { documentId } = await uploadAndComplete(citizen, PDF, {
      fileName: 'to-khai.pdf',
      contentType: 'application/pdf',
    });
    const stranger = await uploadAndComplete(otherCitizen, PDF, { fileName: 'x.pdf', contentType: 'application/pdf' });
    const code = `H19.15-250602-${String(Date.now()).slice(-4)}`;
    const documents = [
      { requirementCode: 'TO_KHAI', documentId, digitized: false, reused: false },
      // Someone else's document named in the dossier must not become readable through it.
      { requirementCode: 'GIAY_TO_TUY_THAN', documentId: stranger.documentId, digitized: false, reused: false },
    ];
    expect((await cloud.fetch(`/documents/${documentId}`, { token: officer })).status).toBe(404);
    await publishDossierEvent('dossier.submitted', snapshot(code, { documents }));
    expect((await cloud.fetch(`/documents/${documentId}`, { token: officer })).status).toBe(200);
    expect((await download(officer, documentId)).bytes!.equals(PDF)).toBe(true);
    expect((await cloud.fetch(`/documents/${stranger.documentId}`, { token: officer })).status).toBe(404);
    expect((await cloud.fetch(`/documents/${documentId}`, { token: otherOfficer })).status).toBe(404);

    await publishDossierEvent(
      'dossier.transferred',
      snapshot(code, { documents, status: 'processing', currentAgencyCode: OTHER_AGENCY, version: 4 }),
    );
    expect((await cloud.fetch(`/documents/${documentId}`, { token: otherOfficer })).status).toBe(200);
    // The owner's access log shows the officials' reads.
    const log = await cloud.fetch(`/documents/${documentId}/accesses`, { token: citizen });
    expect(log.json.items.map((e: { by: { sub: string } }) => e.by.sub)).toEqual(
      expect.arrayContaining([OFFICER.sub, OTHER_OFFICER.sub]),
    );
  });
});

describe('electronic results', () => {
  test('a resolved dossier’s result is signed, verifiable, and breaks on one byte or one field changed', async () => {
    const result = Buffer.from('%PDF-1.7\nQuyết định cấp giấy phép số 123/QĐ-SGTVT\n%%EOF\n', 'utf8');
    const uploaded = await uploadAndComplete(officer, result, {
      fileName: 'ket-qua.pdf',
      contentType: 'application/pdf',
    });
    expect(uploaded.completed.status).toBe('clean');
    const code = `H19.15-250603-${String(Date.now()).slice(-4)}`;
    expect((await cloud.fetch(`/results/${code}/verify`)).status).toBe(404);
    const resolved = snapshot(code, {
      status: 'resolved',
      nationalStatusCode: 9,
      version: 7,
      result: {
        documentId: uploaded.documentId,
        number: '123/QĐ-SGTVT',
        signer: 'Trần Văn B',
        issuedBy: AGENCY,
        signedAt: '2025-06-10T15:30:00+07:00',
        electronic: true,
      },
    });
    await publishDossierEvent('dossier.resolved', resolved);
    await publishDossierEvent('dossier.resolved', resolved); // redelivery/duplicate: signed once

    const verified = await cloud.fetch(`/results/${code}/verify`);
    expect(verified.status).toBe(200);
    expect(verified.json).toMatchObject({
      valid: true,
      number: '123/QĐ-SGTVT',
      signer: 'Trần Văn B',
      issuedBy: AGENCY,
      signedAt: '2025-06-10T15:30:00+07:00',
      sha256: sha256(result),
      fileSha256: sha256(result),
      documentId: uploaded.documentId,
    });
    const signedEvents = (await outboxEvents('document.result_signed')).filter(
      (e) => (e.data as { dossierCode: string }).dossierCode === code,
    );
    expect(signedEvents).toHaveLength(1);
    expect(signedEvents[0]!.data).toMatchObject({ documentId: uploaded.documentId, sha256: sha256(result) });

    // The applicant gets the result in their store and may download it.
    const store = await cloud.fetch('/me/documents', { token: citizen });
    const entry = store.json.items.find((d: { documentId: string }) => d.documentId === uploaded.documentId);
    expect(entry).toMatchObject({ kind: 'result', result: { dossierCode: code, number: '123/QĐ-SGTVT' } });
    expect((await download(citizen, uploaded.documentId)).bytes!.equals(result)).toBe(true);

    // One byte of the stored file changed → invalid; restored → valid again.
    const key = `clean/agency-${AGENCY}/${uploaded.documentId}`;
    const tampered = Buffer.from(result);
    tampered[tampered.length - 2] = tampered[tampered.length - 2]! ^ 0x01;
    await s3Client().send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: tampered }));
    const broken = await cloud.fetch(`/results/${code}/verify`);
    expect(broken.json).toMatchObject({ valid: false, sha256: sha256(result), fileSha256: sha256(tampered) });
    await s3Client().send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: result }));
    expect((await cloud.fetch(`/results/${code}/verify`)).json.valid).toBe(true);

    // One field of the stored metadata changed → invalid.
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: cloud.resources.tables.get('documents')!.name,
        Key: { pk: `RESULT#${code}`, sk: 'RESULT' },
        UpdateExpression: 'SET #result.#number = :number',
        ExpressionAttributeNames: { '#result': 'result', '#number': 'number' },
        ExpressionAttributeValues: { ':number': '124/QĐ-SGTVT' },
      }),
    );
    const forged = await cloud.fetch(`/results/${code}/verify`);
    expect(forged.json).toMatchObject({ valid: false, number: '124/QĐ-SGTVT' });
  });

  test("a result document that is not the resolving agency's is never signed", async () => {
    const citizensOwn = await uploadAndComplete(citizen, PDF, { fileName: 'a.pdf', contentType: 'application/pdf' });
    const code = `H19.15-250604-${String(Date.now()).slice(-4)}`;
    await publishDossierEvent(
      'dossier.resolved',
      snapshot(code, {
        status: 'resolved',
        result: {
          documentId: citizensOwn.documentId,
          number: '1/QĐ',
          signer: 'X',
          issuedBy: AGENCY,
          signedAt: '2025-06-10T15:30:00+07:00',
          electronic: true,
        },
      }),
    );
    expect((await cloud.fetch(`/results/${code}/verify`)).status).toBe(404);
  });
});
