/**
 * Read your own writes across contexts, through HTTP on the local cloud: upload a document, submit a dossier
 * with it, pay for the dossier — back to back, 100 times in a row, with no retry and no wait. The dossiers
 * context has not seen `document.verified` yet when the submission arrives, nor payments `dossier.submitted`
 * when the payment does; each confirms what it does not know through the other's API, as the caller
 * (docs/decisions/0013-money-under-load.md).
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';
import {
  AGENCY,
  FEE,
  OWNER,
  OWNER_NAME,
  PROCEDURE,
  prepareDossiers,
  useTestGatewayCredentials,
} from '../integration/payments/support.ts';

const ROUNDS = 100;

let cloud: TestCloud;
let owner: string;
let stranger: string;

beforeAll(async () => {
  useTestGatewayCredentials();
  cloud = await startTestCloud();
  await prepareDossiers(cloud);
  owner = await cloud.token({ sub: OWNER, roles: ['citizen'], name: OWNER_NAME });
  stranger = await cloud.token({ sub: '079200000001', roles: ['citizen'] });
});

afterAll(async () => {
  if (cloud) await cloud.stop();
});

/** A PDF of the owner's, uploaded and completed: its id once `POST /documents/{id}/complete` says usable. */
async function uploaded(token: string, round: number): Promise<string> {
  const pdf = Buffer.from(`%PDF-1.4\n% round ${round} ${randomUUID()}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n`);
  const created = await cloud.fetch('/documents', {
    method: 'POST',
    token,
    body: {
      fileName: 'to-khai.pdf',
      contentType: 'application/pdf',
      size: pdf.length,
      sha256: createHash('sha256').update(pdf).digest('hex'),
    },
  });
  expect(created.status, created.text).toBe(201);
  const form = new FormData();
  for (const [name, value] of Object.entries(created.json.upload.fields as Record<string, string>)) {
    form.append(name, value);
  }
  form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'to-khai.pdf');
  const posted = await fetch(created.json.upload.url, { method: 'POST', body: form });
  expect(posted.status).toBeLessThan(300);
  const completed = await cloud.fetch(`/documents/${created.json.documentId}/complete`, { method: 'POST', token });
  expect(completed.status, completed.text).toBe(200);
  expect(completed.json.usable).toBe(true);
  return created.json.documentId as string;
}

function submit(documentId: string, token = owner) {
  return cloud.fetch('/dossiers', {
    method: 'POST',
    token,
    headers: { 'idempotency-key': `ryw-${randomUUID()}` },
    body: {
      procedureCode: PROCEDURE,
      agencyCode: AGENCY,
      applicant: { idNumber: OWNER, fullName: OWNER_NAME, phone: '0912345678', email: 'nhung@example.vn' },
      formData: { hoTen: OWNER_NAME },
      documents: [{ requirementCode: 'TO_KHAI', documentId }],
      resultDelivery: 'online',
    },
  });
}

function pay(dossierCode: string, token = owner) {
  return cloud.fetch('/payments', {
    method: 'POST',
    token,
    headers: { 'idempotency-key': `ryw-pay-${randomUUID()}` },
    body: { dossierCode, gateway: 'vnpay' },
  });
}

describe('read your own writes', () => {
  test(`upload → submit → pay, back to back, ${ROUNDS} times in a row, never fails`, async () => {
    const failures: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const documentId = await uploaded(owner, round);
      const submitted = await submit(documentId);
      if (submitted.status !== 201) {
        failures.push(`round ${round}: POST /dossiers ${submitted.status} ${submitted.text}`);
        continue;
      }
      expect(submitted.json.documents).toEqual([expect.objectContaining({ documentId, reused: false })]);
      const paid = await pay(submitted.json.code);
      if (paid.status !== 201) failures.push(`round ${round}: POST /payments ${paid.status} ${paid.text}`);
      else expect(paid.json).toMatchObject({ dossierCode: submitted.json.code, amount: FEE, status: 'pending' });
    }
    expect(failures).toEqual([]);
    // 100 rounds of five real requests each: a budget for the work, not a time asserted.
  }, 300_000);

  test('the confirmation applies the other context’s access rules: a stranger’s document, a stranger’s dossier', async () => {
    const theirs = await uploaded(stranger, 0);
    const refused = await submit(theirs);
    expect(refused.status, refused.text).toBe(400);
    expect(refused.json.errors).toEqual([expect.objectContaining({ path: 'body.documents.0.documentId' })]);

    const mine = await submit(await uploaded(owner, 0));
    expect(mine.status, mine.text).toBe(201);
    const byStranger = await pay(mine.json.code, stranger);
    expect([403, 404]).toContain(byStranger.status);
    expect((await pay(`${AGENCY}-991231-9999`)).status).toBe(404);
  });
});
