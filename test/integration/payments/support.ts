/**
 * What the payments tests share: dossiers to pay (through the dossiers context's own routes when they are in
 * place, else by publishing the dossier events on the bus exactly as its outbox publisher does), the gateways'
 * signatures written out here from gateways.md (not taken from the code under test), a probe queue on the
 * event bus, and small readers.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { expect } from 'vitest';
import type { TestCloud } from '../../support/cloud.ts';

/** Gateway credentials the tests set before the cloud starts (the functions read them from the environment). */
export const VNPAY = { tmnCode: 'TESTVNP1', hashSecret: 'vnpay-test-secret-5f2a9c' };
export const MOMO = {
  partnerCode: 'MOMOTEST01',
  accessKey: 'momo-test-access-7d31',
  secretKey: 'momo-test-secret-0b9e',
};
/** The sandbox keeps its development settings (SANDBOX_DEFAULTS), as a developer's machine would. */
export const SANDBOX = { tmnCode: 'MCSANDBX', hashSecret: 'motcua-local-sandbox-secret-not-for-production' };

export function useTestGatewayCredentials(): void {
  process.env.VNPAY_TMN_CODE = VNPAY.tmnCode;
  process.env.VNPAY_HASH_SECRET = VNPAY.hashSecret;
  process.env.MOMO_PARTNER_CODE = MOMO.partnerCode;
  process.env.MOMO_ACCESS_KEY = MOMO.accessKey;
  process.env.MOMO_SECRET_KEY = MOMO.secretKey;
}

export const AGENCY = '000.00.15.H19'; // Sở Tư pháp
export const OTHER_AGENCY = '000.00.11.H19'; // Công an tỉnh
export const PROCEDURE = '1.999601';
export const FEE = 100_000;
export const OWNER = '001099012345';
export const OWNER_NAME = 'Nguyễn Thị Hồng Nhung';

/** A procedure of our own with the household-business registration fee and no required document. */
const TEST_PROCEDURE = {
  status: 'published',
  validFrom: '2025-07-01',
  name: { vi: 'Thủ tục thử nghiệm thanh toán trực tuyến', en: 'Online payment test procedure' },
  field: 'Thử nghiệm',
  levels: ['province'],
  agencyCodes: [AGENCY],
  mode: 'full',
  processingTime: { kind: 'working_days', days: 3 },
  payBeforeReception: true,
  fees: [{ kind: 'fixed', code: 'LE_PHI_DANG_KY_HKD', name: 'Lệ phí đăng ký hộ kinh doanh', amount: FEE }],
  requirements: [
    {
      code: 'TO_KHAI',
      name: { vi: 'Tờ khai', en: 'Application form' },
      required: false,
      contentTypes: ['application/pdf'],
      maxBytes: 5_000_000,
    },
  ],
  formSchema: {
    type: 'object',
    properties: { hoTen: { type: 'string', title: 'Họ tên', minLength: 1, maxLength: 100 } },
    required: ['hoTen'],
    additionalProperties: false,
  },
  resultType: 'electronic',
};

/**
 * The tests go through the dossiers routes (the real flow);
 * PAYMENTS_TESTS_VIA_EVENTS=true feeds the read model by publishing dossier events instead.
 */
export const dossiersReady = process.env.PAYMENTS_TESTS_VIA_EVENTS !== 'true';

/**
 * Gets the cloud ready to take dossiers when the dossiers routes exist: the agency (and its parent) from the
 * province's seed file and our procedure, through the catalog's admin API (the whole seed takes longer than
 * these tests need).
 */
export async function prepareDossiers(cloud: TestCloud): Promise<void> {
  if (!dossiersReady) return;
  const admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  const agencies = JSON.parse(readFileSync('config/seed/dong-nai/agencies.json', 'utf8')) as { code: string }[];
  for (const code of ['000.00.00.H19', AGENCY]) {
    const agency = agencies.find((a) => a.code === code);
    const put = await cloud.fetch(`/agencies/${code}`, { method: 'PUT', token: admin, body: agency });
    if (put.status >= 300) throw new Error(`could not put agency ${code}: ${put.text}`);
  }
  const published = await cloud.fetch(`/procedures/${PROCEDURE}`, {
    method: 'PUT',
    token: admin,
    body: TEST_PROCEDURE,
  });
  if (published.status >= 300) throw new Error(`could not publish the test procedure: ${published.text}`);
  await cloud.settle(SETTLE_MS);
}

/** Generous: a full test run shares the emulators between files, and settling waits only as long as needed. */
const SETTLE_MS = 60_000;

let published = 0;

/** `count` submitted dossiers of `owner`, each with a 100,000 VND fee, as the payments context sees them. */
export async function submittedDossiers(cloud: TestCloud, count: number, owner = OWNER): Promise<string[]> {
  const codes = await Promise.all(Array.from({ length: count }, () => submit(cloud, owner)));
  await cloud.settle(SETTLE_MS);
  return codes;
}

async function submit(cloud: TestCloud, owner: string): Promise<string> {
  if (dossiersReady) {
    const token = await cloud.token({ sub: owner, roles: ['citizen'], name: OWNER_NAME });
    const res = await cloud.fetch('/dossiers', {
      method: 'POST',
      token,
      headers: { 'idempotency-key': `dossier-${randomUUID()}` },
      body: {
        procedureCode: PROCEDURE,
        agencyCode: AGENCY,
        applicant: { idNumber: owner, fullName: OWNER_NAME, phone: '0912345678', email: 'nhung@example.vn' },
        formData: { hoTen: OWNER_NAME },
        documents: [],
        resultDelivery: 'online',
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.json.feeTotal).toBe(FEE);
    return res.json.code as string;
  }
  published += 1;
  const code = `${AGENCY}-${localStamp(new Date()).slice(2, 8)}-${String(9000 + published)}`;
  await publishDossierEvent(cloud, 'dossier.submitted', dossierSnapshot(code, owner, 'submitted', 1));
  return code;
}

/** The owner withdraws the dossier (or, without the dossiers routes, its dossier.withdrawn event is published). */
export async function withdrawDossier(cloud: TestCloud, code: string, owner = OWNER): Promise<void> {
  if (dossiersReady) {
    const token = await cloud.token({ sub: owner, roles: ['citizen'] });
    const res = await cloud.fetch(`/dossiers/${code}/withdraw`, {
      method: 'POST',
      token,
      body: { reason: 'Tôi không còn nhu cầu' },
    });
    expect(res.status, res.text).toBe(200);
  } else {
    const snapshot = dossierSnapshot(code, owner, 'withdrawn', 3);
    snapshot.paymentStatus = 'paid';
    await publishDossierEvent(cloud, 'dossier.withdrawn', snapshot);
  }
  await cloud.settle(SETTLE_MS);
}

/** A dossier snapshot as dossier.* events carry it (functions/dossiers/events.ts). */
export function dossierSnapshot(code: string, owner: string, status: string, version: number) {
  const submittedAt = '2026-03-02T09:00:00+07:00';
  return {
    code,
    procedureCode: PROCEDURE,
    procedureName: TEST_PROCEDURE.name.vi,
    procedureVersion: 1,
    field: TEST_PROCEDURE.field,
    agencyCode: AGENCY,
    currentAgencyCode: AGENCY,
    channel: 'online',
    applicant: { idNumber: owner, fullName: OWNER_NAME, type: 'citizen', language: 'vi' },
    authenticatedWithVneid: true,
    status,
    nationalStatusCode: status === 'withdrawn' ? 7 : 1,
    version,
    submittedAt,
    previousAppointments: [],
    legalMaxWorkingDays: 3,
    timeliness: null,
    supplements: [],
    steps: [],
    documents: [],
    fees: [{ code: 'LE_PHI_DANG_KY_HKD', name: 'Lệ phí đăng ký hộ kinh doanh', amount: FEE }],
    feeTotal: FEE,
    paymentStatus: 'unpaid' as string,
    paidOnline: false,
    resultType: 'electronic',
    resultDelivery: 'online',
    history: [{ at: submittedAt, action: 'submit', by: { sub: owner, role: 'citizen' }, from: null, to: 'submitted' }],
  };
}

/** Publishes a dossier event on the bus the way the outbox publisher does (type as a message attribute). */
export async function publishDossierEvent(
  cloud: TestCloud,
  type: string,
  dossier: ReturnType<typeof dossierSnapshot>,
): Promise<void> {
  const event = {
    id: randomUUID(),
    type,
    version: 1,
    source: 'dossiers',
    subject: dossier.code,
    sequence: dossier.version,
    occurredAt: new Date().toISOString(),
    data: { dossier, entry: dossier.history.at(-1) },
  };
  await new SNSClient({}).send(
    new PublishCommand({
      TopicArn: cloud.resources.topicArn,
      Message: JSON.stringify(event),
      MessageAttributes: {
        type: { DataType: 'String', StringValue: type },
        source: { DataType: 'String', StringValue: 'dossiers' },
      },
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Gateways' signatures, as gateways.md states them

/** A value encoded as an HTML form would: UTF-8 percent-encoding, spaces as '+'. */
export function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

/**
 * VNPay: every vnp_* parameter but the hash ones, sorted by name, `name=formEncoded(value)` joined with '&',
 * HMAC-SHA512 with the hash secret, lower-case hex. Returns the query string VNPay would send.
 */
export function vnpayQuery(params: Record<string, string>, secret: string): string {
  const data = Object.keys(params)
    .filter((k) => k.startsWith('vnp_') && k !== 'vnp_SecureHash' && k !== 'vnp_SecureHashType')
    .sort()
    .map((k) => `${k}=${formEncode(params[k]!)}`)
    .join('&');
  const hash = createHmac('sha512', secret).update(data, 'utf8').digest('hex');
  return `${data}&vnp_SecureHash=${hash}`;
}

/** yyyyMMddHHmmss in GMT+7. */
export function localStamp(instant: Date): string {
  return new Date(instant.getTime() + 7 * 3_600_000).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

/** The parameters of a VNPay IPN for a payment (paid unless told otherwise). */
export function vnpayIpnParams(
  txnRef: string,
  amount: number,
  tmnCode: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    vnp_Amount: String(amount * 100),
    vnp_BankCode: 'NCB',
    vnp_BankTranNo: 'VNP14422574',
    vnp_CardType: 'ATM',
    vnp_OrderInfo: 'Thanh toán lệ phí hồ sơ đăng ký hộ kinh doanh',
    vnp_PayDate: localStamp(new Date()),
    vnp_ResponseCode: '00',
    vnp_TmnCode: tmnCode,
    vnp_TransactionNo: '14422574',
    vnp_TransactionStatus: '00',
    vnp_TxnRef: txnRef,
    ...overrides,
  };
}

/** MoMo: HMAC-SHA256 (secret key) over the raw UTF-8 `accessKey=..&amount=..&...&transId=..`. */
export function momoIpnSignature(body: Record<string, string | number>): string {
  const keys = [
    'amount',
    'extraData',
    'message',
    'orderId',
    'orderInfo',
    'orderType',
    'partnerCode',
    'payType',
    'requestId',
    'responseTime',
    'resultCode',
    'transId',
  ];
  const data = [`accessKey=${MOMO.accessKey}`, ...keys.map((k) => `${k}=${body[k]}`)].join('&');
  return createHmac('sha256', MOMO.secretKey).update(data, 'utf8').digest('hex');
}

// ---------------------------------------------------------------------------------------------------------
// Reading what happened

export interface PublishedEvent {
  id: string;
  type: string;
  subject: string;
  sequence: number;
  data: Record<string, unknown>;
}

/** A queue subscribed to the bus for payment.* events, to count what the outbox published. */
export async function paymentEventProbe(cloud: TestCloud): Promise<{ drain(): Promise<PublishedEvent[]> }> {
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: `${cloud.resources.prefix}-payments-probe` }),
  );
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await new SNSClient({}).send(
    new SubscribeCommand({
      TopicArn: cloud.resources.topicArn,
      Protocol: 'sqs',
      Endpoint: attrs.Attributes!.QueueArn!,
      Attributes: {
        RawMessageDelivery: 'true',
        FilterPolicy: JSON.stringify({
          type: ['payment.completed', 'payment.failed', 'payment.expired', 'payment.refunded'],
        }),
      },
    }),
  );
  const seen: PublishedEvent[] = [];
  return {
    async drain() {
      await cloud.settle(SETTLE_MS);
      for (let empty = 0; empty < 2; ) {
        const out = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        const messages = out.Messages ?? [];
        if (messages.length === 0) {
          empty += 1;
          continue;
        }
        for (const m of messages) seen.push(JSON.parse(m.Body!) as PublishedEvent);
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
      return [...seen];
    },
  };
}
