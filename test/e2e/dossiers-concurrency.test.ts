/**
 * Dossier codes under load: 200 submissions to one agency on one day, 50 at a time, through HTTP, get 200
 * distinct codes numbered 1…200 (the agency's daily counter is an atomic DynamoDB ADD), and the next day
 * starts again at 1.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parseDossierCode } from '#dossiers/domain/codes.ts';
import { seedLocalProvince } from '../../packages/local-cloud/src/seed.ts';
import { startTestCloud, type TestCloud } from '../support/cloud.ts';

const DESK = '000.00.15.H19';
const PROCEDURE = '1.999003';
const SUBMISSIONS = 200;
/**
 * Requests open at once. Each function's SDK client has 50 sockets, so more only queue in the client; on a
 * 2-core machine with another test file beside it, 200 at once outlast the function timeout (29 s) waiting for
 * DynamoDB Local. 50 at a time still race on the one daily counter, which is what this test is about.
 */
const IN_FLIGHT = 50;

let cloud: TestCloud;
let tokens: string[];

beforeAll(async () => {
  cloud = await startTestCloud();
  await seedLocalProvince(cloud);
  const admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  const published = await cloud.fetch(`/procedures/${PROCEDURE}`, {
    method: 'PUT',
    token: admin,
    body: {
      status: 'published',
      validFrom: '2025-07-01',
      name: { vi: 'Thủ tục thử nghiệm tải' },
      field: 'Thử nghiệm',
      levels: ['province'],
      agencyCodes: [DESK],
      mode: 'full',
      processingTime: { kind: 'same_day' },
      payBeforeReception: false,
      fees: [{ kind: 'free', code: 'MIEN_PHI', name: 'Miễn phí' }],
      requirements: [],
      formSchema: {
        type: 'object',
        properties: { hoTen: { type: 'string', title: 'Họ tên' } },
        required: ['hoTen'],
        additionalProperties: false,
      },
      resultType: 'electronic',
    },
  });
  if (published.status >= 300) throw new Error(published.text);
  // A handful of applicants, so that the submissions do not all share one owner.
  tokens = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      cloud.token({ sub: `0010990000${String(i).padStart(2, '0')}`, roles: ['citizen'] }),
    ),
  );
  await cloud.settle();
});

afterAll(async () => {
  if (cloud) {
    await cloud.fetch('/dev/clock', { method: 'DELETE' });
    await cloud.stop();
  }
});

/** Runs `count` calls of `task`, at most `limit` at a time; results in call order. */
async function inFlight<T>(limit: number, count: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

function submit(i: number) {
  const idNumber = `0010990000${String(i % 10).padStart(2, '0')}`;
  return cloud.fetch('/dossiers', {
    method: 'POST',
    token: tokens[i % 10],
    headers: { 'idempotency-key': `load-${randomUUID()}` },
    body: {
      procedureCode: PROCEDURE,
      agencyCode: DESK,
      applicant: { idNumber, fullName: `Người nộp ${i}` },
      formData: { hoTen: `Người nộp ${i}` },
      resultDelivery: 'online',
    },
  });
}

test(`${SUBMISSIONS} concurrent submissions to one agency on one day get ${SUBMISSIONS} distinct codes`, async () => {
  await cloud.fetch('/dev/clock', { method: 'POST', body: { now: '2026-04-01T08:30:00+07:00' } });
  // The 200 dossier.submitted events stay in the stream: delivering them to every other context's consumers in
  // this same process and emulator would measure those, not the submissions.
  await cloud.stopPollers();
  const responses = await inFlight(IN_FLIGHT, SUBMISSIONS, submit);
  const failures = responses.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.text}`);
  expect(failures).toEqual([]);
  const codes = responses.map((r) => r.json.code as string);
  expect(new Set(codes).size).toBe(SUBMISSIONS);
  const sequences = codes.map((code) => {
    const parts = parseDossierCode(code);
    expect(parts).toMatchObject({ agencyCode: DESK, receptionDate: '2026-04-01' });
    return parts!.sequence;
  });
  // No number is lost when nothing fails: exactly 1…200.
  expect(sequences.sort((a, b) => a - b)).toEqual(Array.from({ length: SUBMISSIONS }, (_, i) => i + 1));

  await cloud.fetch('/dev/clock', { method: 'POST', body: { now: '2026-04-02T08:30:00+07:00' } });
  const nextDay = await submit(0);
  expect(nextDay.status, nextDay.text).toBe(201);
  expect(nextDay.json.code).toBe(`${DESK}-260402-0001`);
  // A budget, not a measurement: 200 submissions on a 2-core machine beside another test file (the bench times it).
}, 180_000);
