/**
 * The officials' console in a real browser (Debian's chromium driven by playwright-core) against one local
 * cloud: sign in through the dev picker, find a dossier in the queue, receive it, ask for a supplement, resolve
 * it with an uploaded result (through a stale version the console recovers from), return it, and open the
 * reports and index. Every page is checked with axe (no serious or critical violation) and for console errors
 * (a Content-Security-Policy refusal is one); screenshots go to test/browser/screenshots/ (git-ignored).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { consoleHandler, ensureConsoleBuilt } from '../../packages/local-cloud/src/console.ts';
import { registerDevRoute } from '../../packages/local-cloud/src/runtime.ts';
import { seedLocalProvince } from '../../packages/local-cloud/src/seed.ts';
import { startTestCloud, type TestCloud } from '../support/cloud.ts';

const ROOT = process.cwd();
const SCREENSHOTS = join(ROOT, 'test', 'browser', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const DESK = '000.00.15.H19'; // Sở Tư pháp
const PROCEDURE = '1.999101';
const APPLICANT = { idNumber: '001099077001', fullName: 'Trần Văn Khải' };
const OFFICER_NAME = 'Ngô Thị Yến'; // the seeded officer of the desk (config/seed/dong-nai/officials.json)

/** A one-page PDF, enough for the documents context's checks and the browser's viewer. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj ' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

let cloud: TestCloud;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let dossierCode: string;
const consoleErrors: string[] = [];

async function uploadAs(token: string, body: Record<string, unknown>): Promise<string> {
  const opened = await cloud.fetch('/documents', {
    token,
    body: { fileName: 'to-khai.pdf', contentType: 'application/pdf', size: PDF.length, ...body },
  });
  if (opened.status !== 201) throw new Error(`POST /documents: ${opened.text}`);
  const form = new FormData();
  for (const [name, value] of Object.entries(opened.json.upload.fields as Record<string, string>))
    form.append(name, value);
  form.append('file', new Blob([new Uint8Array(PDF)]), 'to-khai.pdf');
  const stored = await fetch(opened.json.upload.url, { method: 'POST', body: form });
  if (!stored.ok) throw new Error(`upload: ${stored.status}`);
  const completed = await cloud.fetch(`/documents/${opened.json.documentId}/complete`, { token, method: 'POST' });
  if (completed.json?.status !== 'clean') throw new Error(`complete: ${completed.text}`);
  return opened.json.documentId as string;
}

/**
 * The browser logs every 4xx answer as a console error; a test that provokes one on purpose (a stale version,
 * an unknown dossier) takes exactly those entries off the list, so any other error still fails the run.
 */
function expectConsoleErrorsOfStatus(status: number): void {
  const expected = `the server responded with a status of ${status}`;
  const matching = consoleErrors.filter((e) => e.includes(expected));
  expect(matching.length, `a console error for the ${status} answer`).toBeGreaterThan(0);
  consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !e.includes(expected)));
}

async function expectAccessible(name: string): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  // A string, evaluated in the page: this file is compiled for Node, without the DOM's types.
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((result) =>
    result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`)) as string[];
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  expect(violations, `axe on ${name}`).toEqual([]);
  expect(consoleErrors, `console errors by ${name}`).toEqual([]);
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const [started] = await Promise.all([startTestCloud(), ensureConsoleBuilt(ROOT)]);
  cloud = started;
  registerDevRoute('/console', consoleHandler(ROOT, cloud.province));
  await seedLocalProvince(cloud);
  const admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  const published = await cloud.fetch(`/procedures/${PROCEDURE}`, {
    method: 'PUT',
    token: admin,
    body: {
      status: 'published',
      validFrom: '2025-07-01',
      name: { vi: 'Thủ tục thử nghiệm cổng cán bộ', en: 'Console test procedure' },
      field: 'Thử nghiệm',
      levels: ['province'],
      agencyCodes: [DESK],
      mode: 'full',
      processingTime: { kind: 'working_days', days: 3 },
      payBeforeReception: false,
      fees: [{ kind: 'fixed', code: 'LE_PHI', name: 'Lệ phí thử nghiệm', amount: 30_000 }],
      requirements: [
        {
          code: 'TO_KHAI',
          name: { vi: 'Tờ khai đề nghị', en: 'Application form' },
          required: true,
          contentTypes: ['application/pdf'],
          maxBytes: 5_000_000,
        },
      ],
      formSchema: {
        type: 'object',
        properties: {
          hoTen: { type: 'string', title: 'Họ tên người yêu cầu', minLength: 1, maxLength: 100 },
          mucDich: { type: 'string', title: 'Mục đích sử dụng', maxLength: 200 },
        },
        required: ['hoTen'],
        additionalProperties: false,
      },
      resultType: 'electronic',
    },
  });
  if (published.status >= 300) throw new Error(`publish: ${published.text}`);
  await cloud.settle();

  const citizen = await cloud.token({ sub: APPLICANT.idNumber, roles: ['citizen'], name: APPLICANT.fullName });
  const documentId = await uploadAs(citizen, { procedureCode: PROCEDURE, requirementCode: 'TO_KHAI' });
  const submitted = await cloud.fetch('/dossiers', {
    token: citizen,
    headers: { 'idempotency-key': randomUUID() },
    body: {
      procedureCode: PROCEDURE,
      agencyCode: DESK,
      applicant: APPLICANT,
      formData: { hoTen: APPLICANT.fullName, mucDich: 'Bổ sung hồ sơ việc làm' },
      documents: [{ requirementCode: 'TO_KHAI', documentId }],
      resultDelivery: 'online',
    },
  });
  if (submitted.status !== 201) throw new Error(`submit: ${submitted.text}`);
  dossierCode = submitted.json.code;
  await cloud.settle();

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await cloud?.stop();
});

describe('an official works a dossier in the console', () => {
  test('signs in by picking a seeded official', async () => {
    await page.goto(`${cloud.url}/console/`);
    await expect.poll(() => page.getByRole('heading', { name: 'Đăng nhập cổng cán bộ' }).count()).toBe(1);
    await expectAccessible('01-sign-in');
    const picker = page.getByLabel('Danh tính mẫu');
    const option = await picker.locator('option', { hasText: OFFICER_NAME }).first().getAttribute('value');
    await picker.selectOption(option!);
    await page.getByRole('button', { name: 'Đăng nhập với danh tính này' }).click();
    await page.getByRole('heading', { name: /Hồ sơ của cơ quan/ }).waitFor();
    await expect.poll(() => page.locator('.who-name').textContent()).toBe(OFFICER_NAME);
  });

  test('finds the dossier in the queue by the applicant’s name', async () => {
    await page.getByLabel('Tìm theo mã hồ sơ hoặc tên người nộp').fill('văn khải');
    await page.getByRole('button', { name: 'Áp dụng' }).click();
    const link = page.getByRole('link', { name: dossierCode });
    await link.waitFor();
    expect(await page.locator('table.queue tbody tr').count()).toBe(1);
    await expectAccessible('02-queue');
    await link.click();
    await page.getByRole('heading', { name: `Hồ sơ ${dossierCode}` }).waitFor();
  });

  test('sees the form by its schema, previews the document, and receives the dossier', async () => {
    await page.getByText('Họ tên người yêu cầu').waitFor();
    await page.getByText('Bổ sung hồ sơ việc làm').waitFor();
    await page.getByRole('button', { name: 'Xem: Tờ khai đề nghị' }).click();
    await page.locator('iframe.preview[src^="blob:"]').waitFor();
    await expectAccessible('03-dossier-submitted');
    await page.getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
    await page.getByRole('button', { name: 'Xác nhận' }).click();
    await page.locator('.dossier-badges .badge', { hasText: 'Đã tiếp nhận' }).waitFor();
    await page.getByText('Hẹn trả kết quả').waitFor();
  });

  test('requests a supplement with a reason; the applicant supplements', async () => {
    await page.getByRole('button', { name: 'Yêu cầu bổ sung' }).click();
    await page.getByLabel('Lý do').fill('Tờ khai thiếu chữ ký của người yêu cầu.');
    await page.getByRole('button', { name: 'Xác nhận' }).click();
    await page.locator('.dossier-badges .badge', { hasText: 'Chờ bổ sung' }).waitFor();
    await expectAccessible('04-dossier-supplement-requested');

    const citizen = await cloud.token({ sub: APPLICANT.idNumber, roles: ['citizen'] });
    const documentId = await uploadAs(citizen, { procedureCode: PROCEDURE, requirementCode: 'TO_KHAI' });
    const supplemented = await cloud.fetch(`/dossiers/${dossierCode}/supplement`, {
      token: citizen,
      body: { documents: [{ requirementCode: 'TO_KHAI', documentId }], note: 'Đã ký bổ sung.' },
    });
    expect(supplemented.status, supplemented.text).toBe(200);
  });

  test('resolves with an uploaded result through a stale version, then returns it', async () => {
    await page.reload();
    await page.locator('.dossier-badges .badge', { hasText: 'Đã tiếp nhận' }).waitFor();
    // Someone else moves the dossier on while this page still shows the older version.
    const colleague = await cloud.token({ sub: 'lead-000.00.15.H19', roles: ['leader'], agencyCode: DESK });
    const current = await cloud.fetch(`/dossiers/${dossierCode}`, { token: colleague });
    const moved = await cloud.fetch(`/dossiers/${dossierCode}/actions`, {
      token: colleague,
      headers: { 'if-match': String(current.json.version) },
      body: { type: 'start-processing' },
    });
    expect(moved.status, moved.text).toBe(200);

    await page.getByRole('button', { name: 'Có kết quả' }).click();
    await page.getByLabel('Số, ký hiệu').fill('125/QĐ-STP');
    await page.getByLabel('Người ký').fill('Nguyễn Văn Bình');
    await page
      .getByLabel('Tệp kết quả (PDF)')
      .setInputFiles({ name: 'ket-qua.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Xác nhận' }).click();
    const stale = page.locator('.stale');
    await stale.waitFor();
    expect(await stale.textContent()).toContain('Đang xử lý');
    expectConsoleErrorsOfStatus(412);
    await expectAccessible('05-dossier-stale');
    await page.getByRole('button', { name: 'Thực hiện lại trên phiên bản mới' }).click();
    await page.locator('.dossier-badges .badge', { hasText: 'Có kết quả' }).waitFor();
    await page.getByText('125/QĐ-STP').first().waitFor();

    await page.getByRole('button', { name: 'Trả kết quả' }).click();
    await page.getByRole('button', { name: 'Xác nhận' }).click();
    await page.locator('.dossier-badges .badge', { hasText: 'Đã trả kết quả' }).waitFor();
    await expectAccessible('06-dossier-returned');
  });

  test('a problem from the API is shown in the official’s language', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: `Dossier ${dossierCode}` }).waitFor();
    await page.goto(`${cloud.url}/console/#/dossiers/000.00.15.H19-000000-9999`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/not found/i);
    expectConsoleErrorsOfStatus(404);
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  });

  test('opens the reports and the national index dashboard', async () => {
    await page.getByRole('link', { name: 'Báo cáo & Chỉ số' }).click();
    await page.getByRole('heading', { name: /Quyết định 766/ }).waitFor();
    await page.locator('.chart canvas').first().waitFor();
    await expectAccessible('07-reports-index');
  });

  test('an administrator sees the admin pages', async () => {
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    const picker = page.getByLabel('Danh tính mẫu');
    await picker.selectOption(
      (await picker.locator('option', { hasText: 'Quản trị hệ thống' }).first().getAttribute('value'))!,
    );
    await page.getByRole('button', { name: 'Đăng nhập với danh tính này' }).click();
    for (const [link, heading, shot] of [
      ['Thủ tục', 'Thủ tục hành chính', '08-admin-procedures'],
      ['Lịch làm việc', 'Lịch ngày làm việc', '09-admin-calendar'],
      ['Mẫu thông báo', 'Mẫu thông báo', '10-admin-templates'],
      ['Đồng bộ quốc gia', 'Đồng bộ Cổng Dịch vụ công quốc gia', '11-sync'],
      ['Đối soát thanh toán', 'Đối soát thanh toán', '12-finance'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
      await page.locator('.loading').waitFor({ state: 'detached' });
      await expectAccessible(shot);
    }
  });
});

describe('tablet', () => {
  test('the queue is usable at 820×1180', async () => {
    const tablet = await browser.newPage({ viewport: { width: 820, height: 1180 } });
    await tablet.goto(`${cloud.url}/console/`);
    const picker = tablet.getByLabel('Danh tính mẫu');
    await picker.selectOption(
      (await picker.locator('option', { hasText: OFFICER_NAME }).first().getAttribute('value'))!,
    );
    await tablet.getByRole('button', { name: 'Đăng nhập với danh tính này' }).click();
    await tablet.getByRole('heading', { name: /Hồ sơ của cơ quan/ }).waitFor();
    // Nothing wider than the screen except the table, which scrolls inside its own box.
    const overflow = (await tablet.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    expect(overflow).toBeLessThanOrEqual(0);
    await tablet.screenshot({ path: join(SCREENSHOTS, '13-tablet-queue.png'), fullPage: true });
    await tablet.close();
  });
});
