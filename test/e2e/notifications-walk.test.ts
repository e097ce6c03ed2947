/**
 * Notifications on a dossier walked through the dossiers context's own routes (no hand-made events): the
 * applicant, who submitted in English, is told of each step that concerns them in English; the officials of
 * the handling agency are told of the new dossier and of its supplement; the delivery log lists it all.
 * Skipped until the dossiers context's routes are in place.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedLocalProvince } from '#local-cloud/seed.ts';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';
import { simpleProcedure } from '#test/support/procedures.ts';

const DESK = '000.00.15.H19';
const PROCEDURE = '1.999002';
const OWNER = '001099054321';
const PHONE = '0987111222';

const deskOfficials = (
  JSON.parse(readFileSync('config/seed/dong-nai/officials.json', 'utf8')) as { agencyCode: string; email: string }[]
).filter((o) => o.agencyCode === DESK);

let cloud: TestCloud;
let owner: string;
let officer: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  await seedLocalProvince(cloud);
  const admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  const published = await cloud.fetch(`/procedures/${PROCEDURE}`, {
    method: 'PUT',
    token: admin,
    body: simpleProcedure({
      agencyCodes: [DESK],
      validFrom: '2025-07-01',
      name: { vi: 'Thủ tục thử nghiệm thông báo', en: 'Notification test procedure' },
    }),
  });
  if (published.status >= 300) throw new Error(`could not publish the test procedure: ${published.text}`);
  owner = await cloud.token({ sub: OWNER, roles: ['citizen'], name: 'Tran Thi Lan' });
  officer = await cloud.token({ sub: 'officer-1', roles: ['officer'], agencyCode: DESK, name: 'Nguyễn Văn An' });
  await cloud.settle();
});

afterAll(async () => {
  await cloud?.stop();
});

interface OutboxMessage {
  channel: string;
  to: string;
  template: string;
  language: string;
  body: string;
}

async function outboxOf(code: string): Promise<OutboxMessage[]> {
  const res = await cloud.fetch(`/dev/outbox?dossierCode=${encodeURIComponent(code)}`);
  expect(res.status).toBe(200);
  return res.json;
}

/** Waits until `count` messages of a template are in the outbox (one event's messages go out one by one). */
async function waitForTemplate(code: string, template: string, count = 1): Promise<OutboxMessage[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const messages = await outboxOf(code);
    if (messages.filter((m) => m.template === template).length >= count || Date.now() > deadline) return messages;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function act(code: string, version: number, action: Record<string, unknown>): Promise<number> {
  const res = await cloud.fetch(`/dossiers/${code}/actions`, {
    method: 'POST',
    token: officer,
    body: action,
    headers: { 'if-match': `"${version}"` },
  });
  expect(res.status, res.text).toBe(200);
  return res.json.version;
}

describe('a dossier walked through the dossiers routes', () => {
  test('tells the applicant each step in their language and the agency of the new and supplemented dossier', async () => {
    const submitted = await cloud.fetch('/dossiers', {
      method: 'POST',
      token: owner,
      headers: { 'idempotency-key': `key-${randomUUID()}`, 'accept-language': 'en' },
      body: {
        procedureCode: PROCEDURE,
        agencyCode: DESK,
        applicant: { idNumber: OWNER, fullName: 'Tran Thi Lan', phone: PHONE, email: 'lan.tran@example.vn' },
        formData: { hoTen: 'Tran Thi Lan' },
        documents: [],
        resultDelivery: 'online',
      },
    });
    expect(submitted.status, submitted.text).toBe(201);
    const code: string = submitted.json.code;

    await waitForTemplate(code, 'applicant.dossier.submitted.zalo.en');
    let messages = await waitForTemplate(code, 'official.dossier.submitted.email.vi', deskOfficials.length);
    expect(messages.filter((m) => m.to === PHONE).map((m) => m.template)).toEqual([
      'applicant.dossier.submitted.zalo.en',
    ]);
    expect(
      messages
        .filter((m) => m.template === 'official.dossier.submitted.email.vi')
        .map((m) => m.to)
        .sort(),
    ).toEqual(deskOfficials.map((o) => o.email).sort());

    let version = await act(code, submitted.json.version, { type: 'receive' });
    messages = await waitForTemplate(code, 'applicant.dossier.received.zalo.en');
    const received = messages.find((m) => m.template === 'applicant.dossier.received.zalo.en');
    expect(received).toMatchObject({ channel: 'zalo', to: PHONE, language: 'en' });
    expect(received!.body).toMatch(/\(GMT\+7\)/);

    version = await act(code, version, { type: 'request-supplement', reason: 'The form is not signed' });
    messages = await waitForTemplate(code, 'applicant.dossier.supplement_requested.zalo.en');
    expect(messages.find((m) => m.template === 'applicant.dossier.supplement_requested.zalo.en')!.body).toContain(
      'The form is not signed',
    );

    const supplemented = await cloud.fetch(`/dossiers/${code}/supplement`, {
      method: 'POST',
      token: owner,
      body: { formData: { hoTen: 'Trần Thị Lan' } },
    });
    expect(supplemented.status, supplemented.text).toBe(200);
    messages = await waitForTemplate(code, 'official.dossier.supplemented.email.vi', deskOfficials.length);
    expect(
      messages
        .filter((m) => m.template === 'official.dossier.supplemented.email.vi')
        .map((m) => m.to)
        .sort(),
    ).toEqual(deskOfficials.map((o) => o.email).sort());

    await cloud.settle();
    const all = await outboxOf(code);
    // submitted: applicant + officials; received and supplement_requested: applicant; supplemented: officials.
    expect(all).toHaveLength(3 + 2 * deskOfficials.length);
    const log = await cloud.fetch(`/dossiers/${code}/notifications`, { token: officer });
    expect(log.status).toBe(200);
    expect(log.json.items).toHaveLength(all.length);
    expect(new Set(log.json.items.map((i: { status: string }) => i.status))).toEqual(new Set(['delivered']));
  });
});
