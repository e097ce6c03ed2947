/**
 * Builds the CDK app of one province in one environment (dev, staging, prod: account, region, API domain and
 * certificate from the province config) from the topology; used by `cdk synth|diff|deploy` and by the tests.
 */
import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { DeploymentEnvironment, ProvinceConfig } from '#platform/province.ts';
import { allTopologies } from '#topology/index.ts';
import { stackName } from './naming.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { ConsoleSite } from './stacks/console-stack.ts';
import { ContextStack } from './stacks/context-stack.ts';
import { EdgeStack } from './stacks/edge-stack.ts';
import { FoundationStack } from './stacks/foundation-stack.ts';
import { AlarmBook, MonitoringStack } from './stacks/monitoring.ts';
import { addReferenceDataLoader } from './stacks/reference-data.ts';

export interface BuiltApp {
  foundation: FoundationStack;
  contexts: ContextStack[];
  api: ApiStack;
  edge: EdgeStack;
  monitoring: MonitoringStack;
  alarms: AlarmBook;
}

/** The gateways a province offers, from its config (the payments functions get them as PAYMENT_GATEWAYS). */
export const enabledGateways = (province: ProvinceConfig): string[] =>
  (['vnpay', 'momo', 'paygov'] as const).filter((g) => province.gateways[g]?.enabled === true);

export function buildApp(
  app: App,
  province: ProvinceConfig,
  options: { nag?: boolean; environment?: DeploymentEnvironment } = {},
): BuiltApp {
  const environment = options.environment ?? 'prod';
  const target = province.aws.environments[environment];
  const env = { account: target.account, region: target.region };
  Tags.of(app).add('project', 'motcua');
  Tags.of(app).add('province', province.id);
  Tags.of(app).add('environment', environment);

  const foundation = new FoundationStack(app, stackName(province.id, 'Foundation'), {
    env,
    province,
    resultSigning: target.resultSigning,
  });
  const alarms = new AlarmBook(province, foundation.alarmTopic);
  const commonEnvironment: Record<string, string> = {
    PROVINCE_ID: province.id,
    PROVINCE_CODE: province.code,
    PROVINCIAL_AGENCY_CODE: province.provincialAgencyCode,
    PORTAL_URL: province.domains.portal,
    API_URL: `https://${target.apiDomain}`,
    DEPLOYMENT_ENVIRONMENT: environment,
    PAYMENT_GATEWAYS: enabledGateways(province).join(','),
    PAYMENT_EXPIRY_MINUTES: String(province.gateways.paymentExpiryMinutes),
    PAYMENT_CALLBACKS_RETENTION_DAYS: String(province.retention.paymentCallbacksDays),
    PROVINCE_OFFICE_HOURS: JSON.stringify(province.timeliness.officeHours),
    PROVINCE_ACCESS_SCOPE: JSON.stringify(province.access),
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
    ...(province.notifications.zalo.enabled && province.notifications.zalo.appId
      ? { ZALO_APP_ID: province.notifications.zalo.appId }
      : {}),
    ...(province.notifications.sms.senderId
      ? { NOTIFICATIONS_SMS_SENDER_ID: province.notifications.sms.senderId }
      : {}),
    ...(province.gateways.vnpay
      ? { VNPAY_PAYMENT_URL: province.gateways.vnpay.paymentUrl, VNPAY_API_URL: province.gateways.vnpay.apiUrl }
      : {}),
    ...(province.gateways.momo ? { MOMO_ENDPOINT: province.gateways.momo.endpoint } : {}),
    ...(province.gateways.paygov?.enabled
      ? {
          PAYGOV_PAYMENT_URL: province.gateways.paygov.paymentUrl,
          PAYGOV_API_URL: province.gateways.paygov.apiUrl,
          PAYGOV_BENEFICIARY: JSON.stringify(province.gateways.paygov.beneficiary),
          PAYGOV_BILL_TTL_MINUTES: String(province.gateways.paygov.billTtlMinutes),
        }
      : {}),
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
          alarms,
          tableOverrides: target.tables,
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
    alarms,
    crossRegionReferences: true,
  });
  for (const c of contexts) api.addStackDependency(c);

  const catalog = contexts.find((c) => c.functions.has('catalog-import'));
  if (!catalog) throw new Error('the catalog context must be deployed: it holds the reference data');
  addReferenceDataLoader(catalog, province, catalog.functionEnvironment);

  // CloudFront takes web ACLs and certificates from us-east-1 only.
  const edge = new EdgeStack(app, stackName(province.id, 'Edge'), {
    env: { account: target.account, region: 'us-east-1' },
    crossRegionReferences: true,
    province,
    apiDomain: target.apiDomain,
    certificateArn: target.certificateArn,
    apiOriginDomain: api.originDomain,
    routes: allTopologies()
      .flatMap((t) => t.routes)
      .filter((r) => !r.path.startsWith('/dev/')),
  });
  edge.addStackDependency(api);
  // The officials' console: the API distribution's /console/* behaviour (infra/stacks/console-stack.ts).
  new ConsoleSite(edge, 'Console', {
    province,
    distribution: edge.apiDistribution,
    region: env.region,
    logBucket: edge.logBucket,
  });

  const monitoring = new MonitoringStack(app, stackName(province.id, 'Monitoring'), {
    env,
    province,
    book: alarms,
    deployedFunctions: new Set(functions.keys()),
    queueNames: contexts.flatMap((c) => [...c.queues.keys()]),
    dlqNames: contexts.flatMap((c) => [...c.dlqs.keys()]),
    apiId: api.api.apiId,
  });
  for (const stack of [...contexts, api]) monitoring.addStackDependency(stack);

  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { foundation, contexts, api, edge, monitoring, alarms };
}
