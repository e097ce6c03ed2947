/**
 * The officials' console in a real browser (Debian's chromium driven by playwright-core) against one local
 * cloud: sign in through the dev picker, find a dossier in the queue, receive it, ask for a supplement, resolve
 * it with an uploaded result (through a stale version the console recovers from), return it, filter the queue by
 * several statuses, channel and source, open a payment's receipt, open the reports and index, and (as an admin)
 * map procedures to national codes, publish a procedure version, save a year's calendar, preview a notification
 * template and retry a held national-portal dossier, and (as the province's admin) start a national re-sync of a
 * range and follow its progress, which an officer is not offered (each effect read back through the API); dates are typed
 * dd/mm/yyyy (a day that does not exist is refused without a query); the queue's counts are the API's. Every page is checked with axe (no serious or critical violation) and for console errors
 * (a Content-Security-Policy refusal is one); screenshots go to test/browser/screenshots/ (git-ignored).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { qrPath } from '../../packages/console/src/components/qr.ts';
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
const COUNTER_APPLICANT = { idNumber: '001099077002', fullName: 'Phạm Thị Quầy' };
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
let counterCode = '';
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

/** A local (GMT+7) date `days` from now: ISO, and as the console has it typed (dd/mm/yyyy). */
function localDay(days: number): { iso: string; typed: string } {
  const iso = new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
  const [y, m, d] = iso.split('-');
  return { iso, typed: `${d}/${m}/${y}` };
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
    // The first load waits for the cold API (GET /agencies) on a busy machine: wait for the page, not a poll's 1 s.
    await page.getByRole('heading', { name: 'Đăng nhập cổng cán bộ' }).waitFor();
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
    await page.getByRole('heading', { name: 'Hẹn trả kết quả' }).waitFor();
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
    // The signing day in dd/mm/yyyy and the time as HH:MM, whatever the browser's locale (today by default).
    expect(await page.getByLabel('Ngày ký').inputValue()).toBe(localDay(0).typed);
    expect(await page.getByLabel('Giờ ký (HH:MM)').inputValue()).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
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

    await page.getByRole('button', { name: 'Trả kết quả', exact: true }).click();
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

  test('registers a paper dossier at the counter and opens its receipt slip', async () => {
    await page.getByRole('link', { name: 'Tiếp nhận tại quầy', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Tiếp nhận hồ sơ tại Bộ phận Một cửa' }).waitFor();
    await page.getByLabel('Tìm thủ tục theo mã, tên hoặc lĩnh vực').fill(PROCEDURE);
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await page.getByLabel('Thủ tục hành chính').selectOption(PROCEDURE);
    // The form's inputs come from the procedure's schema, under the schema's titles.
    await page.getByLabel('Họ tên người yêu cầu').fill(COUNTER_APPLICANT.fullName);
    await page.getByLabel('Mục đích sử dụng').fill('Nộp tại quầy');
    await page.getByLabel('Số định danh').fill(COUNTER_APPLICANT.idNumber);
    await page.getByLabel('Họ tên', { exact: true }).fill(COUNTER_APPLICANT.fullName);
    await page.getByLabel('Điện thoại').fill('0987654321');
    await page
      .getByLabel('Tờ khai đề nghị')
      .setInputFiles({ name: 'to-khai-giay.pdf', mimeType: 'application/pdf', buffer: PDF });
    await expectAccessible('14-counter-intake');
    await page.getByRole('button', { name: 'Đăng ký hồ sơ' }).click();
    await page.getByRole('heading', { name: 'Đã đăng ký hồ sơ' }).waitFor();
    counterCode = (await page.locator('.notice a').textContent()) ?? '';
    expect(counterCode).toMatch(/^000\.00\.15\.H19-\d{6}-\d{4}$/);
    expect(await page.locator('.notice').textContent()).toContain('Đã tiếp nhận');

    await page.getByRole('button', { name: 'Mở: Giấy tiếp nhận hồ sơ và hẹn trả kết quả' }).click();
    await page.locator('iframe.preview[src^="blob:"]').waitFor();
    const download = page.getByRole('link', { name: /Tải về .*tiep-nhan\.pdf/ });
    expect(await download.getAttribute('href')).toMatch(/^blob:/);
    await expectAccessible('15-counter-receipt');

    // What the desk typed is what the dossier holds: counter channel, the scan digitized for the applicant.
    const official = await cloud.token({ sub: 'lead-000.00.15.H19', roles: ['leader'], agencyCode: DESK });
    const stored = await cloud.fetch(`/dossiers/${counterCode}`, { token: official });
    expect(stored.json).toMatchObject({
      channel: 'in_person',
      status: 'received',
      applicant: { idNumber: COUNTER_APPLICANT.idNumber, fullName: COUNTER_APPLICANT.fullName, phone: '0987654321' },
      formData: { hoTen: COUNTER_APPLICANT.fullName, mucDich: 'Nộp tại quầy' },
    });
    expect(stored.json.documents).toMatchObject([{ requirementCode: 'TO_KHAI', digitized: true }]);
  });

  test('the dossier page offers the slips that apply', async () => {
    await page.locator('.notice a').click();
    await page.getByRole('heading', { name: `Hồ sơ ${counterCode}` }).waitFor();
    const slips = page.getByRole('region', { name: 'Phiếu, biểu mẫu' });
    await slips.getByRole('button', { name: 'Mở: Phiếu kiểm soát quá trình giải quyết hồ sơ' }).click();
    await slips.locator('iframe.preview[src^="blob:"]').waitFor();
    // Not refused, no supplement asked: those slips are not offered (the API would answer 409).
    expect(await slips.getByRole('button', { name: /Phiếu từ chối/ }).count()).toBe(0);
    expect(await slips.getByRole('button', { name: /yêu cầu bổ sung/ }).count()).toBe(0);
    await expectAccessible('16-dossier-slips');
  });

  test('takes the fee at the counter: the receipt number is shown and the dossier is paid', async () => {
    const fees = page.getByRole('form', { name: 'Thu phí, lệ phí tại quầy' });
    expect(await fees.textContent()).toContain('30.000');
    // An applicant who would rather pay online is handed the dossier's code on the national payment platform.
    const online = page.getByText('Mã tra cứu để nộp trực tuyến trên Cổng DVCQG', { exact: false });
    await online.waitFor();
    expect(await online.textContent()).toMatch(/TT[0-9A-Z]{16}/);
    // Beside it, the platform's payment page as a link and as a QR code, to print and hand over.
    const handout = page.getByRole('region', { name: 'Nộp phí, lệ phí trực tuyến' });
    const qr = handout.getByRole('img', {
      name: 'Mã QR dẫn đến trang thanh toán trực tuyến của hồ sơ trên Cổng DVCQG',
    });
    await qr.waitFor();
    const official = await cloud.token({ sub: 'lead-000.00.15.H19', roles: ['leader'], agencyCode: DESK });
    const due = await cloud.fetch(`/dossiers/${counterCode}/payments`, { token: official });
    const { lookupCode, paymentUrl } = due.json.nationalPlatform as { lookupCode: string; paymentUrl: string };
    expect(await online.textContent()).toContain(lookupCode);
    const link = handout.getByRole('link', { name: paymentUrl, exact: true });
    expect(await link.textContent()).toBe(paymentUrl);
    expect(await link.getAttribute('href')).toBe(paymentUrl);
    // What is drawn is the QR code of that URL (the module layout, compared with the encoder's, not decoded).
    const expected = qrPath(paymentUrl);
    expect(await qr.getAttribute('viewBox')).toBe(`0 0 ${expected.size} ${expected.size}`);
    expect(await qr.locator('path').getAttribute('d')).toBe(expected.d);
    // The print button prints the handout alone: while printing the page carries print-handout, and under the
    // print stylesheet only the handout (with the dossier's code and the amount) is visible.
    await page.evaluate(`window.print = () => {
      window.printedHandout = document.body.classList.contains('print-handout');
    }`);
    await handout.getByRole('button', { name: 'In mã QR cho người nộp' }).click();
    expect(await page.evaluate('window.printedHandout')).toBe(true);
    await page.emulateMedia({ media: 'print' });
    await qr.waitFor();
    expect(await page.getByRole('heading', { name: `Hồ sơ ${counterCode}` }).isVisible()).toBe(false);
    expect(await handout.locator('.print-only').textContent()).toContain(counterCode);
    expect(await handout.locator('.print-only').textContent()).toContain('30.000');
    await page.screenshot({ path: join(SCREENSHOTS, '17b-payment-qr-print.png'), fullPage: true });
    await page.evaluate(`window.dispatchEvent(new Event('afterprint'))`);
    await page.emulateMedia({ media: 'screen' });
    expect(await page.evaluate(`document.body.classList.contains('print-handout')`)).toBe(false);
    await expectAccessible('17a-counter-payment-qr');
    await fees.getByLabel('Hình thức nộp').selectOption('card');
    await fees.getByRole('button', { name: 'Ghi nhận đã thu' }).click();
    const status = page.getByRole('status').filter({ hasText: 'Đã thu phí; số biên lai' });
    await status.waitFor();
    const receiptNumber = ((await status.textContent()) ?? '').split(':').at(-1)?.trim() ?? '';
    expect(receiptNumber).toMatch(/^[A-Z]\d{2}-\d{4}-\d{2}-\d{6,}$/);
    await fees.waitFor({ state: 'detached' });
    await online.waitFor({ state: 'detached' });
    const listed = page.getByRole('table', { name: 'Các khoản thanh toán của hồ sơ' });
    await listed.getByText(receiptNumber, { exact: false }).waitFor();
    expect(await listed.textContent()).toContain('Thẻ tại quầy');
    // The electronic receipt itself, as the API issued it: number, fee lines, amount, who took it.
    await listed.getByRole('button', { name: `Xem biên lai ${receiptNumber}` }).click();
    const receipt = page.getByRole('region', { name: `Biên lai điện tử ${receiptNumber}` });
    await receipt.waitFor();
    const receiptText = (await receipt.textContent()) ?? '';
    expect(receiptText).toContain('Lệ phí thử nghiệm');
    expect(receiptText).toContain('30.000');
    expect(receiptText).toContain(COUNTER_APPLICANT.idNumber);
    expect(receiptText).toContain('Thẻ tại quầy');
    await expectAccessible('17a-counter-payment');
    await cloud.settle();
    const stored = await cloud.fetch(`/dossiers/${counterCode}`, { token: official });
    expect(stored.json).toMatchObject({ paymentStatus: 'paid', paidOnline: false });
  });

  test('the desk’s day shows the counter dossier, and the tracking book downloads', async () => {
    await page.getByRole('link', { name: 'Ngày làm việc của quầy', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /Ngày làm việc của Bộ phận Một cửa/ }).waitFor();
    const received = page.getByRole('region', { name: 'Tiếp nhận trong ngày' });
    await received.getByRole('link', { name: counterCode }).waitFor();
    const perOfficial = page.getByRole('region', { name: 'Số hồ sơ tiếp nhận theo cán bộ' });
    expect(await perOfficial.textContent()).toContain(OFFICER_NAME);
    await expectAccessible('17-desk-day');

    const book = page.getByRole('form', { name: 'Sổ theo dõi hồ sơ (Mẫu 06)' });
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      book.getByRole('button', { name: 'Tải về' }).click(),
    ]);
    expect(file.suggestedFilename()).toMatch(/^so-theo-doi-000\.00\.15\.H19-.*\.csv$/);
    const path = await file.path();
    expect(readFileSync(path, 'utf8')).toContain(counterCode);
  });

  test('the queue filters by several statuses at once, by channel and by source', async () => {
    await page.getByRole('link', { name: 'Hồ sơ cần xử lý', exact: true }).click();
    await page.getByRole('heading', { name: /Hồ sơ của cơ quan/ }).waitFor();
    const apply = async () => {
      await page.getByRole('button', { name: 'Áp dụng' }).click();
      await page.locator('.loading').waitFor({ state: 'detached' });
    };
    const listed = (code: string) => page.locator('table.queue').getByRole('link', { name: code, exact: true });
    // A closed status (returned) and an open one (received): each is its own list on the API, merged here.
    await page.getByRole('checkbox', { name: 'Đã tiếp nhận', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Đã trả kết quả', exact: true }).check();
    await apply();
    await listed(dossierCode).waitFor();
    await listed(counterCode).waitFor();
    expect(page.url()).toContain('status=received%2Creturned');

    await page.getByLabel('Kênh nộp').selectOption('in_person');
    await apply();
    await listed(counterCode).waitFor();
    expect(await listed(dossierCode).count()).toBe(0);
    await expectAccessible('02b-queue-filters');

    await page.getByLabel('Kênh nộp').selectOption('online');
    await apply();
    await listed(dossierCode).waitFor();
    expect(await listed(counterCode).count()).toBe(0);

    await page.getByLabel('Kênh nộp').selectOption('');
    await page.getByLabel('Nguồn hồ sơ').selectOption('dvcqg');
    await apply();
    await page.getByText('Không có hồ sơ nào khớp bộ lọc.').waitFor();
    expect(await page.locator('table.queue tbody tr').count()).toBe(0);
    await page.getByLabel('Nguồn hồ sơ').selectOption('local');
    await apply();
    await listed(dossierCode).waitFor();
    await listed(counterCode).waitFor();
  });

  test('due before is typed dd/mm/yyyy: a real day filters the queue, 31/02 is refused without a query', async () => {
    await page.getByRole('button', { name: 'Xóa lọc' }).click();
    await page.locator('.loading').waitFor({ state: 'detached' });
    /** The due-before dates the queue asked the API for, in order. */
    const asked: (string | null)[] = [];
    const listing = /\/agencies\/[^/]+\/dossiers\?/;
    const record = (request: { url: () => string }) => {
      if (listing.test(request.url())) asked.push(new URL(request.url()).searchParams.get('dueBefore'));
    };
    page.on('request', record);
    try {
      const due = page.getByLabel('Hẹn trả trước ngày');
      await due.fill('31022026');
      // Masked as typed: the slashes come in by themselves.
      expect(await due.inputValue()).toBe('31/02/2026');
      const error = page.getByRole('alert').filter({ hasText: 'Không có ngày này trong lịch' });
      await error.waitFor();
      expect(await due.getAttribute('aria-invalid')).toBe('true');
      await page.getByRole('button', { name: 'Áp dụng' }).click();
      expect(page.url()).not.toContain('due=');

      // A day long past: nothing is due before it.
      await due.fill('01/01/2020');
      await error.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Áp dụng' }).click();
      await page.getByText('Không có hồ sơ nào khớp bộ lọc.').waitFor();
      expect(page.url()).toContain('due=2020-01-01');
      await expectAccessible('02c-queue-due-before');

      // A day far ahead: the counter dossier (received, due in three working days) is listed.
      await due.fill('31/12/2099');
      await page.getByRole('button', { name: 'Áp dụng' }).click();
      await page.locator('table.queue').getByRole('link', { name: counterCode, exact: true }).waitFor();
      expect(page.url()).toContain('due=2099-12-31');
      // The refused date never reached the API: only the two real days did, in ISO.
      expect(asked).toEqual(['2020-01-01', '2099-12-31']);
    } finally {
      page.off('request', record);
    }
  });

  test('the counts per status are the agency’s whole queue, as the API counts it', async () => {
    const official = await cloud.token({ sub: 'lead-000.00.15.H19', roles: ['leader'], agencyCode: DESK });
    const counted = await cloud.fetch(`/agencies/${DESK}/dossiers/counts`, { token: official });
    expect(counted.status, counted.text).toBe(200);
    const counts = page.getByRole('region', { name: /Số hồ sơ theo trạng thái/ });
    for (const status of ['submitted', 'received', 'returned'] as const) {
      const shown = counts.locator(`li[data-status="${status}"] strong`);
      await expect.poll(() => shown.textContent()).toBe(String(counted.json.counts[status]));
    }
    // The walked dossier is returned (closed), the counter one received: both are counted.
    expect(counted.json.counts.returned).toBeGreaterThanOrEqual(1);
    expect(counted.json.counts.received).toBeGreaterThanOrEqual(1);
    expect(await counts.textContent()).toContain(`Chưa kết thúc ${counted.json.unfinished}`);
  });

  test('a dossier the national portal forwarded for an unmapped procedure is listed and refused', async () => {
    const forwarded = await cloud.fetch('/dev/national-portal/dossiers', {
      body: {
        MaTTHC: '9.999999',
        DonViXuLy: DESK,
        ChuHoSo: 'Lê Văn Cổng',
        SoDinhDanh: '001099077003',
        SoDienThoai: '0912345678',
        DuLieuBieuMau: { hoTen: 'Lê Văn Cổng' },
        files: [],
      },
    });
    expect(forwarded.status, forwarded.text).toBe(201);
    const nationalId = forwarded.json.id as string;
    await cloud.settle();

    await page.getByRole('link', { name: 'Hồ sơ từ Cổng quốc gia cần xử lý', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ từ Cổng Dịch vụ công quốc gia cần xử lý' }).waitFor();
    const item = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: new RegExp(nationalId) }) });
    await item.waitFor();
    expect(await item.textContent()).toContain('Thủ tục chưa được ánh xạ');
    await expectAccessible('18-needs-attention');

    await item.getByRole('button', { name: `Từ chối: ${nationalId}` }).click();
    await item.getByLabel('Lý do').fill('Thủ tục không thuộc thẩm quyền của tỉnh');
    await item.getByRole('button', { name: 'Xác nhận' }).click();
    await item.waitFor({ state: 'detached' });
    const admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
    const after = await cloud.fetch(`/portal/forwarded/${encodeURIComponent(nationalId)}`, { token: admin });
    expect(after.json).toMatchObject({
      status: 'rejected',
      rejection: { reason: 'Thủ tục không thuộc thẩm quyền của tỉnh' },
    });
    expect(consoleErrors).toEqual([]);
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
      ['Danh bạ cán bộ', 'Danh bạ cán bộ nhận thông báo', '19-admin-officials'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
      await page.locator('.loading').waitFor({ state: 'detached' });
      await expectAccessible(shot);
    }
  });
});

describe('the province’s administrator re-syncs a range with the national portal', () => {
  const STATUS_SHOWN = { marking: 'Đang đánh dấu hồ sơ', pushing: 'Đang gửi', completed: 'Hoàn tất' } as const;

  test('starts a re-sync of a range through the form and follows its progress; an officer has no form', async () => {
    await page.getByRole('link', { name: 'Đồng bộ quốc gia', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Đồng bộ Cổng Dịch vụ công quốc gia', exact: true }).waitFor();
    const section = page.getByRole('region', { name: 'Đồng bộ lại toàn bộ / theo khoảng' });
    const from = localDay(-1);
    const to = localDay(0);
    await section.getByLabel('Tiếp nhận từ ngày').fill(from.typed);
    await section.getByLabel('Đến ngày').fill(to.typed);
    await section.getByLabel('Cơ quan tiếp nhận').selectOption(DESK);
    const procedure = section.getByLabel('Thủ tục', { exact: true });
    await procedure.locator(`option[value="${PROCEDURE}"]`).waitFor({ state: 'attached' });
    await procedure.selectOption(PROCEDURE);

    // A reason of spaces around two letters passes the browser's length but not the API's (trimmed): its 400
    // problem is shown in Vietnamese, back on the form, and nothing was started.
    await section.getByLabel('Lý do (bắt buộc, lưu cùng yêu cầu)').fill('  ab  ');
    await section.getByRole('button', { name: 'Xem lại yêu cầu' }).click();
    await section.getByRole('button', { name: 'Bắt đầu đồng bộ lại' }).click();
    const refused = section.getByRole('alert');
    await refused.waitFor();
    expectConsoleErrorsOfStatus(400);
    expect(await refused.textContent()).toContain('Yêu cầu có dữ liệu không hợp lệ.');
    expect(await refused.locator('code').allTextContents()).toContain('body.reason');
    expect(new URL(page.url()).hash).toBe('#/sync');

    const reason = `DVCQG khôi phục dữ liệu, đồng bộ lại (${randomUUID().slice(0, 8)})`;
    await section.getByLabel('Lý do (bắt buộc, lưu cùng yêu cầu)').fill(reason);
    await section.getByRole('button', { name: 'Xem lại yêu cầu' }).click();
    // The confirmation says what will be sent again, before anything is.
    const confirmation = section.getByRole('region', { name: 'Xác nhận đồng bộ lại' });
    const said = (await confirmation.textContent()) ?? '';
    expect(said).toContain(`tiếp nhận từ ${from.typed} đến ${to.typed}`);
    expect(said).toContain('Sở Tư pháp');
    expect(said).toContain(PROCEDURE);
    expect(said).toContain(reason);
    await confirmation.getByRole('button', { name: 'Bắt đầu đồng bộ lại' }).click();

    // The job is in the URL, its progress on the page.
    await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/sync\?resync=[0-9a-f-]{36}$/);
    const jobId = new URL(page.url()).hash.split('resync=')[1] ?? '';
    const progress = section.getByRole('region', { name: 'Tiến độ đồng bộ lại' });
    await progress.getByText(reason).waitFor();
    const admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
    const job = await cloud.fetch(`/sync/resyncs/${jobId}`, { token: admin });
    expect(job.status, job.text).toBe(200);
    expect(job.json).toMatchObject({
      id: jobId,
      reason,
      range: {
        scope: 'received',
        receivedFrom: from.iso,
        receivedTo: to.iso,
        agencyCode: DESK,
        procedureCode: PROCEDURE,
      },
      requestedBy: { sub: 'admin-01' },
    });
    const badge = progress.locator('.badge');
    expect(await badge.textContent()).toBe(STATUS_SHOWN[job.json.status as keyof typeof STATUS_SHOWN]);

    // The sweep (run by hand: the test cloud has no schedule) marks the range; the panel, reading the job again,
    // shows what the API says of it now.
    const swept = await cloud.fetch('/dev/schedules/reporting-sync-retry-sweep', { method: 'POST' });
    expect(swept.status, swept.text).toBe(200);
    const marked = await cloud.fetch(`/sync/resyncs/${jobId}`, { token: admin });
    expect(marked.json.status).not.toBe('marking');
    await expect
      .poll(() => badge.textContent(), { timeout: 30_000 })
      .toBe(STATUS_SHOWN[marked.json.status as keyof typeof STATUS_SHOWN]);
    const matchedRow = progress.getByRole('row', { name: /^Trong phạm vi/ });
    expect(await matchedRow.locator('td').textContent()).toBe(String(marked.json.counts.matched));

    // A reload shows the same job again (the URL keeps it).
    await page.reload();
    await section.getByRole('region', { name: 'Tiến độ đồng bộ lại' }).getByText(reason).waitFor();
    await page.locator('.loading').waitFor({ state: 'detached' });
    await expectAccessible('11b-sync-resync');

    // An officer's sync page has the look-up only: no re-sync form.
    const officerContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    try {
      const officerPage = await officerContext.newPage();
      await officerPage.goto(`${cloud.url}/console/`);
      const picker = officerPage.getByLabel('Danh tính mẫu');
      await picker.selectOption(
        (await picker.locator('option', { hasText: OFFICER_NAME }).first().getAttribute('value'))!,
      );
      await officerPage.getByRole('button', { name: 'Đăng nhập với danh tính này' }).click();
      await officerPage.getByRole('link', { name: 'Đồng bộ quốc gia', exact: true }).click();
      await officerPage.getByRole('heading', { name: 'Tra cứu trạng thái đồng bộ của một hồ sơ' }).waitFor();
      expect(await officerPage.getByRole('heading', { name: 'Đồng bộ lại toàn bộ / theo khoảng' }).count()).toBe(0);
      expect(await officerPage.getByRole('button', { name: 'Xem lại yêu cầu' }).count()).toBe(0);
    } finally {
      await officerContext.close();
    }
  }, 180_000);
});

describe('an administrator maps procedures to national codes', () => {
  test('pulls the national catalog, maps a procedure to its suggested code, and is refused a taken one', async () => {
    await page.getByRole('link', { name: 'Ánh xạ mã quốc gia', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Ánh xạ thủ tục với mã thủ tục quốc gia' }).waitFor();
    await page.getByRole('button', { name: 'Lấy danh mục từ Cổng quốc gia' }).click();
    await page.getByRole('status').filter({ hasText: 'Danh mục quốc gia lấy về lúc' }).waitFor();
    await page.locator('.loading').waitFor({ state: 'detached' });

    // Birth registration's name matches the national one exactly: its code is the first suggestion.
    const birth = page.getByRole('form', { name: 'Mã thủ tục quốc gia: 1.001193' });
    const input = birth.getByLabel('Mã thủ tục quốc gia: 1.001193');
    await expect.poll(() => input.inputValue()).toBe('1.001193');
    await birth.getByRole('button', { name: 'Lưu ánh xạ' }).click();
    const row = page.getByRole('row').filter({ has: birth });
    await row.locator('.badge', { hasText: '1.001193' }).waitFor();
    const admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
    const mappings = await cloud.fetch('/portal/mappings', { token: admin });
    expect(
      (mappings.json.items as { procedureCode: string; nationalCode?: string }[]).find(
        (m) => m.procedureCode === '1.001193',
      ),
    ).toMatchObject({ nationalCode: '1.001193' });

    // One national code, one local procedure: the API's 409 is shown in Vietnamese, under the form.
    const other = page.getByRole('form', { name: `Mã thủ tục quốc gia: ${PROCEDURE}` });
    await other.getByLabel(`Mã thủ tục quốc gia: ${PROCEDURE}`).fill('1.001193');
    await other.getByRole('button', { name: 'Lưu ánh xạ' }).click();
    const refused = page.getByRole('row').filter({ has: other }).getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('đã gắn với thủ tục 1.001193');
    expectConsoleErrorsOfStatus(409);
    await expectAccessible('19-admin-mappings');
  });
});

describe('an administrator’s actions take effect', () => {
  test('publishes a new version of a procedure from a date typed dd/mm/yyyy', async () => {
    await page.getByRole('link', { name: 'Thủ tục', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Thủ tục hành chính', exact: true }).waitFor();
    await page.getByRole('button', { name: new RegExp(`^${PROCEDURE.replace('.', '\\.')} `) }).click();
    await page.getByRole('heading', { level: 2, name: new RegExp(`^${PROCEDURE.replace('.', '\\.')} — `) }).waitFor();
    const admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
    const before = await cloud.fetch(`/procedures/${PROCEDURE}`, { token: admin });
    const from = localDay(2);
    await page.getByLabel('Hiệu lực từ').fill(from.typed);
    await page.getByRole('button', { name: 'Công bố' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã thực hiện' }).waitFor();
    // The new version (in effect only from its day) is listed and shown, from the day typed.
    const newest = page.getByRole('button', { name: `v${before.json.version + 1}` });
    await newest.waitFor();
    expect(await newest.getAttribute('aria-pressed')).toBe('true');
    await page.locator('dl.facts').getByText(from.typed).waitFor();
    await expectAccessible('08b-admin-procedure-published');
    const published = await cloud.fetch(`/procedures/${PROCEDURE}?version=${before.json.version + 1}`, {
      token: admin,
    });
    expect(published.status, published.text).toBe(200);
    expect(published.json).toMatchObject({ status: 'published', validFrom: from.iso, code: PROCEDURE });
    // The new version is the old one's content from a new day.
    expect(published.json.fees).toEqual(before.json.fees);
    expect(published.json.formSchema).toEqual(before.json.formSchema);

    // A later session still lists it (GET /procedures/{code} answers the version in force, not this one):
    // after a reload the versions table has it first, scheduled from the day typed, beside the one in force.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Thủ tục hành chính', exact: true }).waitFor();
    await page.getByRole('button', { name: new RegExp(`^${PROCEDURE.replace('.', '\\.')} `) }).click();
    const versions = page.getByRole('table', { name: /^Các phiên bản/ });
    const rows = versions.getByRole('row');
    await rows.filter({ hasText: `v${before.json.version + 1}` }).waitFor();
    const newestRow = rows.nth(1);
    expect(await newestRow.getByRole('rowheader').textContent()).toBe(`v${before.json.version + 1}`);
    expect(await newestRow.textContent()).toContain(from.typed);
    expect(await newestRow.textContent()).toContain('Sắp có hiệu lực');
    const inForceRow = rows.filter({ hasText: `v${before.json.version}` });
    expect(await inForceRow.textContent()).toContain('Đang có hiệu lực');
    expect(await inForceRow.textContent()).toContain(localDay(1).typed);
    // Opening it shows its details, read only: no field to edit them.
    await newestRow.getByRole('button', { name: `v${before.json.version + 1}` }).click();
    expect(await newestRow.getByRole('button').getAttribute('aria-pressed')).toBe('true');
    await page.locator('dl.facts').getByText(from.typed).waitFor();
    await page.getByRole('heading', { level: 3, name: `Chi tiết phiên bản v${before.json.version + 1}` }).waitFor();
    await expectAccessible('08c-admin-procedure-versions');
  });

  test('saves a year’s calendar with a holiday added; a day outside the year or not in the calendar is refused', async () => {
    await page.getByRole('link', { name: 'Lịch làm việc', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Lịch ngày làm việc', exact: true }).waitFor();
    const year = new Date().getFullYear() + 1;
    await page.getByLabel('Năm').selectOption(String(year));
    const holidays = page.getByRole('region', { name: 'Ngày nghỉ' });
    await holidays.getByLabel('Ngày', { exact: true }).waitFor();
    const day = holidays.getByLabel('Ngày', { exact: true });
    await day.fill(`31/02/${year}`);
    await holidays.getByRole('alert').filter({ hasText: 'Không có ngày này trong lịch' }).waitFor();
    await day.fill(`31/12/${year - 1}`);
    await holidays
      .getByRole('alert')
      .filter({ hasText: `Ngày phải từ 01/01/${year}` })
      .waitFor();
    await holidays.getByLabel('Tên ngày').fill('Ngày nghỉ thử nghiệm');
    expect(await holidays.getByRole('button', { name: 'Thêm' }).isDisabled()).toBe(true);
    await day.fill(`14/08/${year}`);
    await holidays.getByRole('button', { name: 'Thêm' }).click();
    await holidays.getByText('14/08/' + year).waitFor();
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã thực hiện' }).waitFor();
    await expectAccessible('09b-admin-calendar-saved');
    const saved = await cloud.fetch(`/calendar/${year}`);
    expect(saved.status, saved.text).toBe(200);
    expect(saved.json.holidays).toContainEqual({ date: `${year}-08-14`, name: 'Ngày nghỉ thử nghiệm' });
  });

  test('previews a notification template: what is shown is what the API renders', async () => {
    await page.getByRole('link', { name: 'Mẫu thông báo', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Mẫu thông báo', exact: true }).waitFor();
    const first = page.getByRole('button', { name: /^Xem / }).first();
    await first.waitFor();
    const id = ((await first.getAttribute('aria-label')) ?? '').replace(/^Xem /, '');
    await first.click();
    const preview = page.getByRole('region', { name: `Xem: ${id}` });
    const text = preview.locator('pre.template-text');
    await text.waitFor();
    const admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
    const rendered = await cloud.fetch(`/notifications/templates/${encodeURIComponent(id)}/preview`, { token: admin });
    expect(rendered.status, rendered.text).toBe(200);
    expect(rendered.json.text.length).toBeGreaterThan(0);
    expect(await text.textContent()).toBe(rendered.json.text);
    await expectAccessible('10b-admin-template-preview');
  });

  test('retries a dossier held because the portal’s files were unreachable: it is taken in', async () => {
    const admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
    const mapped = await cloud.fetch(`/portal/mappings/${PROCEDURE}`, {
      method: 'PUT',
      token: admin,
      body: { nationalCode: PROCEDURE },
    });
    expect(mapped.status, mapped.text).toBe(200);
    expect((await cloud.fetch('/dev/national-portal/faults', { body: { down: true } })).status).toBe(200);
    let nationalId: string;
    try {
      const forwarded = await cloud.fetch('/dev/national-portal/dossiers', {
        body: {
          MaTTHC: PROCEDURE,
          DonViXuLy: DESK,
          ChuHoSo: 'Hoàng Văn Thử',
          SoDinhDanh: '001099077004',
          SoDienThoai: '0912345679',
          DuLieuBieuMau: { hoTen: 'Hoàng Văn Thử' },
          files: [
            {
              name: 'to-khai.pdf',
              contentType: 'application/pdf',
              requirementCode: 'TO_KHAI',
              base64: PDF.toString('base64'),
            },
          ],
        },
      });
      expect(forwarded.status, forwarded.text).toBe(201);
      nationalId = forwarded.json.id as string;
    } finally {
      await cloud.fetch('/dev/national-portal/faults', { body: { down: false } });
    }
    const held = await cloud.fetch(`/portal/forwarded/${encodeURIComponent(nationalId)}`, { token: admin });
    expect(held.json).toMatchObject({ status: 'needs_attention', hold: { code: 'file-unreachable' } });

    await page.getByRole('link', { name: 'Hồ sơ từ Cổng quốc gia cần xử lý', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ từ Cổng Dịch vụ công quốc gia cần xử lý' }).waitFor();
    const item = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: new RegExp(nationalId) }) });
    await item.waitFor();
    await item.getByRole('button', { name: `Thử tiếp nhận lại: ${nationalId}` }).click();
    // Taken off the needs-attention list once the intake runs again.
    await item.waitFor({ state: 'detached' });
    await cloud.settle();
    const after = await cloud.fetch(`/portal/forwarded/${encodeURIComponent(nationalId)}`, { token: admin });
    expect(after.json.status).toBe('accepted');
    expect(after.json.dossierCode).toMatch(/^000\.00\.15\.H19-\d{6}-\d{4}$/);
    const dossier = await cloud.fetch(`/dossiers/${after.json.dossierCode}`, { token: admin });
    expect(dossier.json).toMatchObject({ source: 'dvcqg', applicant: { fullName: 'Hoàng Văn Thử' } });
    expect(consoleErrors).toEqual([]);
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
