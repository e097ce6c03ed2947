/** Builds the CDK app of one province from the topology; used by `cdk synth|deploy` and by the tests. */
import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { ProvinceConfig } from '#platform/province.ts';
import { allTopologies } from '#topology/index.ts';
import { stackName } from './naming.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { ContextStack } from './stacks/context-stack.ts';
import { FoundationStack } from './stacks/foundation-stack.ts';

export interface BuiltApp {
  foundation: FoundationStack;
  contexts: ContextStack[];
  api: ApiStack;
}

export function buildApp(app: App, province: ProvinceConfig, options: { nag?: boolean } = {}): BuiltApp {
  const env = { region: province.aws.region, ...(province.aws.account ? { account: province.aws.account } : {}) };
  Tags.of(app).add('project', 'motcua');
  Tags.of(app).add('province', province.id);

  const foundation = new FoundationStack(app, stackName(province.id, 'Foundation'), { env, province });
  const commonEnvironment: Record<string, string> = {
    PROVINCE_ID: province.id,
    PROVINCE_CODE: province.code,
    PROVINCIAL_AGENCY_CODE: province.provincialAgencyCode,
    PORTAL_URL: province.domains.portal,
    API_URL: `https://${province.domains.api}`,
    PAYMENT_EXPIRY_MINUTES: String(province.gateways.paymentExpiryMinutes),
    CITIZEN_ISSUER: province.identity.citizens.issuer,
    CITIZEN_AUDIENCE: province.identity.citizens.audience,
    CITIZEN_JWKS_URI: province.identity.citizens.jwksUri,
    OFFICIAL_ISSUER: province.identity.officials.issuer,
    OFFICIAL_AUDIENCE: province.identity.officials.audience,
    OFFICIAL_JWKS_URI: province.identity.officials.jwksUri,
    NATIONAL_PORTAL_URL: province.nationalPortal.endpoint,
    NOTIFICATION_CHANNELS: (['email', 'sms', 'zalo'] as const)
      .filter((c) => province.notifications[c].enabled)
      .join(','),
    NOTIFICATIONS_EMAIL_FROM: province.notifications.email.from,
    ...(province.notifications.sms.senderId
      ? { NOTIFICATIONS_SMS_SENDER_ID: province.notifications.sms.senderId }
      : {}),
    ...(province.gateways.vnpay
      ? { VNPAY_PAYMENT_URL: province.gateways.vnpay.paymentUrl, VNPAY_API_URL: province.gateways.vnpay.apiUrl }
      : {}),
    ...(province.gateways.momo ? { MOMO_ENDPOINT: province.gateways.momo.endpoint } : {}),
  };

  const contexts = allTopologies().map(
    (topology) =>
      new ContextStack(
        app,
        stackName(province.id, topology.context.charAt(0).toUpperCase() + topology.context.slice(1)),
        {
          env,
          province,
          topology,
          foundation,
          commonEnvironment,
        },
      ),
  );
  const functions = new Map(contexts.flatMap((c) => [...c.functions]));
  const anyUserAuthorizer = functions.get('platform-authorize-any-user');
  if (!anyUserAuthorizer) throw new Error('the platform topology must declare platform-authorize-any-user');

  const api = new ApiStack(app, stackName(province.id, 'Api'), {
    env,
    province,
    routes: allTopologies().flatMap((t) => t.routes),
    functions,
    anyUserAuthorizer,
  });
  for (const c of contexts) api.addStackDependency(c);

  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { foundation, contexts, api };
}
