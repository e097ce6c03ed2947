/**
 * The channel providers behind the one interface, against stand-ins for the services they call: the request
 * each builds (SES v2 SendEmail, SNS Publish to a phone number, Zalo ZNS over HTTP) and how what each service
 * answers on failure is classified (retry the channel, or fall back to the next one).
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, test } from 'vitest';
import { DevOutboxProvider } from '#notifications/channels/dev-outbox.ts';
import { subscriberDigits, toE164, toZaloPhone } from '#notifications/channels/phone.ts';
import type { OutgoingMessage } from '#notifications/channels/provider.ts';
import { SesEmailProvider } from '#notifications/channels/ses.ts';
import { SnsSmsProvider } from '#notifications/channels/sms.ts';
import { type FetchLike, ZaloZnsProvider, ZNS_ENDPOINT } from '#notifications/channels/zalo.ts';
import { classifyProviderError } from '#notifications/domain/delivery.ts';
import { renderTemplate, SAMPLE_VARS, TEMPLATES } from '#notifications/domain/templates.ts';
import { enabledChannels, providersFromEnv } from '#notifications/settings.ts';

function message(templateId: string, to: string): OutgoingMessage {
  const template = TEMPLATES.find((t) => t.id === templateId)!;
  const rendered = renderTemplate(template, SAMPLE_VARS[template.language]);
  return { messageId: `evt-1:applicant:CODE:${template.channel}`, channel: template.channel, to, rendered };
}

/** What a failed call threw, classified as the dispatcher classifies it. */
async function failure(send: () => Promise<unknown>): Promise<{ error: unknown; class: string }> {
  try {
    await send();
  } catch (error) {
    return { error, class: classifyProviderError(error) };
  }
  throw new Error('expected the send to fail');
}

function awsError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} from the service`), { name, $metadata: { httpStatusCode: status } });
}

describe('phone numbers', () => {
  test('Vietnamese mobile numbers in national or international form, nothing else', () => {
    expect(subscriberDigits('0912 345 678')).toBe('912345678');
    expect(subscriberDigits('+84912345678')).toBe('912345678');
    expect(subscriberDigits('84387654321')).toBe('387654321');
    expect(subscriberDigits('02513822222')).toBeUndefined(); // a landline
    expect(subscriberDigits('091234567')).toBeUndefined(); // one digit short
    expect(toE164('0912345678')).toBe('+84912345678');
    expect(toZaloPhone('+84912345678')).toBe('84912345678');
    expect(() => toE164('12345')).toThrow(/Invalid phone number/);
  });
});

describe('email through SES v2', () => {
  test('SendEmail from the province sender, with subject, text, HTML and tags SES accepts', async () => {
    const sent: Record<string, unknown>[] = [];
    const client = {
      send: async (command: { input: Record<string, unknown> }) => {
        sent.push(command.input);
        return { MessageId: 'ses-0001' };
      },
    } as unknown as Pick<SESv2Client, 'send'>;
    const provider = new SesEmailProvider({ from: 'khong-tra-loi@dichvucong.dongnai.gov.vn', client });
    const receipt = await provider.send(message('applicant.dossier.received.email.vi', 'dung@example.vn'));
    expect(receipt).toEqual({ providerMessageId: 'ses-0001' });
    const input = sent[0] as {
      FromEmailAddress: string;
      Destination: { ToAddresses: string[] };
      Content: { Simple: { Subject: { Data: string }; Body: { Text: { Data: string }; Html: { Data: string } } } };
      EmailTags: { Name: string; Value: string }[];
    };
    expect(input.FromEmailAddress).toBe('khong-tra-loi@dichvucong.dongnai.gov.vn');
    expect(input.Destination.ToAddresses).toEqual(['dung@example.vn']);
    expect(input.Content.Simple.Subject.Data).toBe('Hồ sơ 000.00.15.H19-261122-0001 đã được tiếp nhận');
    expect(input.Content.Simple.Body.Text.Data).toContain('Kính gửi Nguyễn Thị Hồng Nhung,');
    expect(input.Content.Simple.Body.Html.Data).toContain('<!doctype html>');
    for (const tag of input.EmailTags) expect(tag.Value).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  test('a rejected recipient is permanent, throttling is temporary', async () => {
    const failing = (error: Error) =>
      new SesEmailProvider({
        from: 'a@b.vn',
        client: {
          send: async () => {
            throw error;
          },
        } as unknown as Pick<SESv2Client, 'send'>,
      });
    const email = message('applicant.dossier.received.email.vi', 'x@example.vn');
    expect((await failure(() => failing(awsError('MessageRejected', 400)).send(email))).class).toBe('permanent');
    expect((await failure(() => failing(awsError('TooManyRequestsException', 429)).send(email))).class).toBe(
      'temporary',
    );
  });
});

describe('SMS through SNS', () => {
  test('Publish to the number in E.164, transactional, with the sender id, unaccented', async () => {
    const sent: Record<string, unknown>[] = [];
    const client = {
      send: async (command: { input: Record<string, unknown> }) => {
        sent.push(command.input);
        return { MessageId: 'sns-0001' };
      },
    } as unknown as Pick<SNSClient, 'send'>;
    const provider = new SnsSmsProvider({ senderId: 'DONGNAI', client });
    expect(await provider.send(message('applicant.dossier.received.sms.vi', '0912345678'))).toEqual({
      providerMessageId: 'sns-0001',
    });
    const input = sent[0] as {
      PhoneNumber: string;
      Message: string;
      MessageAttributes: Record<string, { StringValue: string }>;
    };
    expect(input.PhoneNumber).toBe('+84912345678');
    expect(input.Message).toMatch(/^Ho so 000\.00\.15\.H19-261122-0001/);
    expect(input.MessageAttributes['AWS.SNS.SMS.SMSType']!.StringValue).toBe('Transactional');
    expect(input.MessageAttributes['AWS.SNS.SMS.SenderID']!.StringValue).toBe('DONGNAI');
  });

  test('a number that is not a Vietnamese mobile fails for good without calling SNS', async () => {
    let calls = 0;
    const client = {
      send: async () => {
        calls++;
        return {};
      },
    } as unknown as Pick<SNSClient, 'send'>;
    const result = await failure(() =>
      new SnsSmsProvider({ client }).send(message('applicant.dossier.received.sms.vi', '02513822222')),
    );
    expect(result.class).toBe('permanent');
    expect(calls).toBe(0);
  });
});

describe('Zalo ZNS over HTTP', () => {
  function zalo(
    respond: (call: { url: string; headers: Record<string, string>; body: unknown }) => {
      status: number;
      body: string;
    },
  ) {
    const calls: { url: string; headers: Record<string, string>; body: unknown }[] = [];
    const fetch: FetchLike = async (url, init) => {
      const call = { url, headers: init.headers, body: JSON.parse(init.body) };
      calls.push(call);
      const { status, body } = respond(call);
      return { status, ok: status >= 200 && status < 300, text: async () => body };
    };
    const provider = new ZaloZnsProvider({ accessToken: async () => 'oa-token-1', fetch });
    return { provider, calls };
  }

  test('POSTs the template id and parameters for the phone number, with the OA access token', async () => {
    const { provider, calls } = zalo(() => ({
      status: 200,
      body: JSON.stringify({ error: 0, message: 'Success', data: { msg_id: 'zns-42', sent_time: '1700000000000' } }),
    }));
    const receipt = await provider.send(message('applicant.dossier.received.zalo.vi', '0912345678'));
    expect(receipt).toEqual({ providerMessageId: 'zns-42' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(ZNS_ENDPOINT);
    expect(calls[0]!.headers.access_token).toBe('oa-token-1');
    expect(calls[0]!.body).toMatchObject({
      phone: '84912345678',
      template_id: 'applicant.dossier.received.zalo.vi',
      template_data: {
        applicantName: 'Nguyễn Thị Hồng Nhung',
        code: '000.00.15.H19-261122-0001',
        appointment: '25/11/2026 16:30',
      },
    });
    expect((calls[0]!.body as { tracking_id: string }).tracking_id).toMatch(/^[0-9a-f]{32}$/);
  });

  test('"Zalo account not existed" (-118) is permanent; an expired token (-124) or HTTP 503 is temporary', async () => {
    const zns = message('applicant.dossier.received.zalo.vi', '0912345678');
    const noAccount = zalo(() => ({ status: 200, body: '{"error":-118,"message":"Zalo account not existed"}' }));
    expect((await failure(() => noAccount.provider.send(zns))).class).toBe('permanent');
    const expired = zalo(() => ({ status: 200, body: '{"error":-124,"message":"Access token is invalid"}' }));
    expect((await failure(() => expired.provider.send(zns))).class).toBe('temporary');
    const down = zalo(() => ({ status: 503, body: 'Service Unavailable' }));
    expect((await failure(() => down.provider.send(zns))).class).toBe('temporary');
    const refused = zalo(() => ({ status: 400, body: '{}' }));
    expect((await failure(() => refused.provider.send(zns))).class).toBe('permanent');
  });

  test('a non-ZNS template is refused before any call', async () => {
    const { provider, calls } = zalo(() => ({ status: 200, body: '{"error":0}' }));
    const sms = message('applicant.dossier.received.sms.vi', '0912345678');
    expect((await failure(() => provider.send({ ...sms, channel: 'zalo' }))).class).toBe('permanent');
    expect(calls).toHaveLength(0);
  });
});

describe('provider selection', () => {
  test('MOTCUA_LOCAL=true sends every channel to the dev outbox', () => {
    const providers = providersFromEnv({ MOTCUA_LOCAL: 'true' });
    for (const channel of ['email', 'sms', 'zalo'] as const) {
      expect(providers[channel]).toBeInstanceOf(DevOutboxProvider);
      expect(providers[channel].channel).toBe(channel);
    }
  });

  test('on AWS: SES, SNS and Zalo; a channel missing its settings fails for good so the next one is used', async () => {
    const configured = providersFromEnv({ NOTIFICATIONS_EMAIL_FROM: 'a@b.vn', ZALO_ACCESS_TOKEN: 't' });
    expect(configured.email).toBeInstanceOf(SesEmailProvider);
    expect(configured.sms).toBeInstanceOf(SnsSmsProvider);
    expect(configured.zalo).toBeInstanceOf(ZaloZnsProvider);
    const bare = providersFromEnv({});
    const email = message('applicant.dossier.received.email.vi', 'x@example.vn');
    expect((await failure(() => bare.email.send(email))).class).toBe('permanent');
    expect((await failure(() => bare.zalo.send(email))).class).toBe('permanent');
  });

  test('enabled channels come from NOTIFICATION_CHANNELS, all three by default', () => {
    expect([...enabledChannels({})].sort()).toEqual(['email', 'sms', 'zalo']);
    expect([...enabledChannels({ NOTIFICATION_CHANNELS: 'email, sms' })].sort()).toEqual(['email', 'sms']);
  });
});
