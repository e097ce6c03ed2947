/**
 * Run-time settings of the notifications context, from the environment: which channels the province enabled,
 * the providers behind them (the dev outbox locally, SES / SNS / Zalo ZNS on AWS) and the retry policy.
 *
 * Environment (set per province by the deployment):
 * - `NOTIFICATION_CHANNELS`: enabled channels, comma-separated (default `email,sms,zalo`);
 * - `NOTIFICATIONS_EMAIL_FROM`: the SES-verified sender; `NOTIFICATIONS_SES_CONFIGURATION_SET` (optional);
 * - `NOTIFICATIONS_SMS_SENDER_ID`: the registered SMS brandname (optional);
 * - `ZALO_SECRET_NAME`: Secrets Manager secret holding the OA access token (`{"accessToken": "...", "refreshToken",
 *   "secretKey", "expiresAt"}`, kept fresh by use-cases/zalo-token.ts; or the bare token), or `ZALO_ACCESS_TOKEN`
 *   directly.
 */
import { isLocal } from '#platform/env.ts';
import { readSecret } from '#platform/secrets.ts';
import { devOutboxProviders } from './channels/dev-outbox.ts';
import type { ChannelProvider, ChannelProviders } from './channels/provider.ts';
import { SesEmailProvider } from './channels/ses.ts';
import { SnsSmsProvider } from './channels/sms.ts';
import { ZaloZnsProvider } from './channels/zalo.ts';
import { DEFAULT_RETRY_POLICY, ProviderError, type RetryPolicy } from './domain/delivery.ts';
import { NOTIFICATION_CHANNELS, type NotificationChannel } from './domain/templates.ts';

/**
 * Locally the backoff is compressed (seconds, not minutes) so a developer, a demo and the tests see a retry
 * and a fallback happen while they watch; the rules are the same.
 */
export const LOCAL_RETRY_POLICY: RetryPolicy = { baseDelayMs: 1_000, maxDelayMs: 4_000, maxAttempts: 4 };

export function retryPolicy(): RetryPolicy {
  return isLocal() ? LOCAL_RETRY_POLICY : DEFAULT_RETRY_POLICY;
}

export function enabledChannels(env: NodeJS.ProcessEnv = process.env): Set<NotificationChannel> {
  const listed = env.NOTIFICATION_CHANNELS;
  if (listed === undefined || listed.trim() === '') return new Set(NOTIFICATION_CHANNELS);
  const names = listed.split(',').map((c) => c.trim());
  return new Set(NOTIFICATION_CHANNELS.filter((c) => names.includes(c)));
}

/** A channel that cannot work as configured: every send fails for good, so the next channel takes over. */
class MisconfiguredProvider implements ChannelProvider {
  readonly channel: NotificationChannel;
  readonly #reason: string;
  constructor(channel: NotificationChannel, reason: string) {
    this.channel = channel;
    this.#reason = reason;
  }
  async send(): Promise<never> {
    throw new ProviderError(this.#reason, { errorClass: 'permanent', code: 'not-configured' });
  }
}

/** The OA access token held by a secret: `{"accessToken": "..."}` (or `access_token`), or the bare token. */
function tokenFromZaloSecret(raw: string): string {
  try {
    const parsed = JSON.parse(raw) as { accessToken?: unknown; access_token?: unknown };
    return String(parsed.accessToken ?? parsed.access_token ?? '');
  } catch {
    return raw;
  }
}

function zaloAccessToken(env: NodeJS.ProcessEnv): (() => Promise<string>) | undefined {
  const direct = env.ZALO_ACCESS_TOKEN;
  if (direct) return async () => direct;
  const secretName = env.ZALO_SECRET_NAME;
  if (!secretName) return undefined;
  return async () => {
    // Cached by the secrets module; a secret that does not exist is a channel not configured, for good.
    const token = tokenFromZaloSecret((await readSecret(secretName)) ?? '');
    if (token === '') throw new ProviderError('The Zalo secret holds no access token', { errorClass: 'permanent' });
    return token;
  };
}

/** The providers for this environment: `MOTCUA_LOCAL=true` → the dev outbox for every channel. */
export function providersFromEnv(env: NodeJS.ProcessEnv = process.env): ChannelProviders {
  if (env.MOTCUA_LOCAL === 'true') return devOutboxProviders();
  const from = env.NOTIFICATIONS_EMAIL_FROM;
  const token = zaloAccessToken(env);
  return {
    email: from
      ? new SesEmailProvider({
          from,
          ...(env.NOTIFICATIONS_SES_CONFIGURATION_SET
            ? { configurationSet: env.NOTIFICATIONS_SES_CONFIGURATION_SET }
            : {}),
        })
      : new MisconfiguredProvider('email', 'No email sender configured (NOTIFICATIONS_EMAIL_FROM)'),
    sms: new SnsSmsProvider(env.NOTIFICATIONS_SMS_SENDER_ID ? { senderId: env.NOTIFICATIONS_SMS_SENDER_ID } : {}),
    zalo: token
      ? new ZaloZnsProvider({ accessToken: token })
      : new MisconfiguredProvider('zalo', 'No Zalo OA access token configured (ZALO_SECRET_NAME)'),
  };
}
