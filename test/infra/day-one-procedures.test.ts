/**
 * Issue #15's procedures that were code, not an operator's (docs/operations.md): a result-signing key rollover is a
 * config change and a deploy; the Zalo OA token refreshes itself where Zalo is enabled; SES reports bounces and
 * complaints through the province's configuration set. Asserted on every province config as it is, and on each
 * one changed the way an operator changes it (a new signing generation keeping the old key, the channels the
 * province does not use turned on and the ones it uses turned off).
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, test } from 'vitest';
import { type ProvinceConfig, provinceConfigSchema } from '#platform/province.ts';
import { type BuiltApp, buildApp } from '../../infra/build-app.ts';
import { resultSigningKeyId } from '../../infra/stacks/foundation-stack.ts';
import { PROVINCES, synthesized } from './synth.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, read field by field.
type Cfn = any;

/** The province after an operator's change: generation 2 (generation 1's key kept) and the channels flipped. */
function changed(province: ProvinceConfig): { province: ProvinceConfig; previousKeyArn: string } {
  const prod = province.aws.environments.prod;
  const previousKeyArn = `arn:aws:kms:${prod.region}:${prod.account}:key/0f0e0d0c-0b0a-4909-8807-060504030201`;
  const next = structuredClone(province);
  next.aws.environments.prod.resultSigning = { generation: 2, previousKeyArns: [previousKeyArn] };
  const zaloOn = !province.notifications.zalo.enabled;
  next.notifications.zalo = zaloOn
    ? {
        enabled: true,
        oaId: `${province.id}-oa`,
        appId: '1900000000000000034',
        secretName: `motcua/${province.id}/zalo`,
      }
    : { enabled: false };
  next.notifications.email = { ...province.notifications.email, enabled: false };
  return { province: provinceConfigSchema.parse(next), previousKeyArn };
}

const rebuilt = new Map<string, { built: BuiltApp; province: ProvinceConfig; previousKeyArn: string }>();
function synthesizedAfterChange(provinceId: string) {
  let found = rebuilt.get(provinceId);
  if (!found) {
    const { province, previousKeyArn } = changed(synthesized(provinceId).province);
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:defaultCrossStackReferences': 'strong' },
    });
    const built = buildApp(app, province);
    app.synth(); // with cdk-nag: the new resources need no acknowledgement beyond those with reasons
    found = { built, province, previousKeyArn };
    rebuilt.set(provinceId, found);
  }
  return found;
}

function stacksOf(built: BuiltApp) {
  return [built.foundation, ...built.contexts, built.api, built.edge, built.monitoring];
}

function resources(built: BuiltApp, type: string): { stack: string; id: string; resource: Cfn }[] {
  return stacksOf(built).flatMap((stack) =>
    Object.entries(Template.fromStack(stack).findResources(type)).map(([id, resource]) => ({
      stack: stack.stackName,
      id,
      resource,
    })),
  );
}

const contextStack = (built: BuiltApp, fn: string) => built.contexts.find((c) => c.functions.has(fn));

/** The function's logical id in its stack, and its properties, by deployed name. */
function functionNamed(built: BuiltApp, provinceId: string, name: string): { id: string; props: Cfn } | undefined {
  const found = resources(built, 'AWS::Lambda::Function').find(
    (f) => f.resource.Properties.FunctionName === `motcua-${provinceId}-${name}`,
  );
  return found && { id: found.id, props: found.resource.Properties };
}

/** The IAM statements attached to a function's role. */
function statementsOf(built: BuiltApp, provinceId: string, name: string): Cfn[] {
  const stack = contextStack(built, name)!;
  const template = Template.fromStack(stack);
  const fn = functionNamed(built, provinceId, name)!;
  const role = fn.props.Role['Fn::GetAtt'][0] as string;
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as Cfn[]).some((r) => r.Ref === role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Cfn[]);
}

const actionsOf = (s: Cfn): string[] => [s.Action].flat();
const resourcesIn = (s: Cfn): Cfn[] => [s.Resource].flat();

describe.each(PROVINCES)('signing key rollover, province %s', (provinceId) => {
  test('as configured: one signing key of the current generation, retained, and the alias on it', () => {
    const { built, province } = synthesized(provinceId);
    const { generation, previousKeyArns } = province.aws.environments.prod.resultSigning;
    const foundation = Template.fromStack(built.foundation);
    const signingKeys = Object.entries(foundation.findResources('AWS::KMS::Key')).filter(
      ([, k]) => k.Properties.KeySpec === 'ECC_NIST_P256',
    );
    expect(signingKeys).toHaveLength(1);
    const [keyId, key] = signingKeys[0]!;
    expect(keyId.startsWith(resultSigningKeyId(generation))).toBe(true);
    expect(key.Properties.KeyUsage).toBe('SIGN_VERIFY');
    expect(key.DeletionPolicy).toBe('Retain');
    foundation.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: `alias/motcua-${provinceId}-result-signing`,
      TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    const verifierEnv = functionNamed(built, provinceId, 'documents-verify-result')!.props.Environment.Variables;
    const listed = JSON.stringify(verifierEnv.RESULT_VERIFICATION_KEY_ARNS);
    for (const arn of previousKeyArns) expect(listed).toContain(arn);
  });

  test('after a rollover: a new key under the alias, the old one left retained; only the new one signs', () => {
    const { built, previousKeyArn } = synthesizedAfterChange(provinceId);
    const foundation = Template.fromStack(built.foundation);
    const signingKeys = Object.entries(foundation.findResources('AWS::KMS::Key')).filter(
      ([, k]) => k.Properties.KeySpec === 'ECC_NIST_P256',
    );
    expect(signingKeys).toHaveLength(1);
    const [keyId, key] = signingKeys[0]!;
    // A new resource (a new logical id), so CloudFormation creates a key; generation 1's leaves the template and,
    // retained, stays enabled for the results it signed.
    expect(keyId.startsWith(resultSigningKeyId(2))).toBe(true);
    const generationOne = new RegExp(`^${resultSigningKeyId(1)}[0-9A-F]{8}$`);
    expect(Object.keys(foundation.findResources('AWS::KMS::Key')).filter((id) => generationOne.test(id))).toEqual([]);
    expect(key.DeletionPolicy).toBe('Retain');
    const aliases = Object.entries(foundation.findResources('AWS::KMS::Alias')).filter(
      ([, a]) => a.Properties.AliasName === `alias/motcua-${provinceId}-result-signing`,
    );
    expect(aliases).toHaveLength(1);
    const [aliasId, alias] = aliases[0]!;
    // The alias keeps its logical id: updated in place to the new key, never created twice under one name.
    const [asConfiguredId] = Object.entries(
      Template.fromStack(synthesized(provinceId).built.foundation).findResources('AWS::KMS::Alias'),
    ).find(([, a]) => a.Properties.AliasName === `alias/motcua-${provinceId}-result-signing`)!;
    expect(aliasId).toBe(asConfiguredId);
    expect(alias.Properties.TargetKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(alias.DeletionPolicy).toBe('Retain');

    const signer = statementsOf(built, provinceId, 'documents-sign-result');
    const signing = signer.filter((s) => actionsOf(s).includes('kms:Sign'));
    expect(signing).toHaveLength(1);
    expect(resourcesIn(signing[0])).toHaveLength(1);
    expect(JSON.stringify(signing[0].Resource)).not.toContain(previousKeyArn);
    expect(JSON.stringify(signer)).not.toContain(previousKeyArn);

    const verifier = statementsOf(built, provinceId, 'documents-verify-result');
    expect(verifier.flatMap(actionsOf)).not.toContain('kms:Sign');
    const verifying = verifier.filter((s) => actionsOf(s).includes('kms:Verify'));
    expect(verifying).toHaveLength(1);
    expect(actionsOf(verifying[0]).sort()).toEqual(['kms:GetPublicKey', 'kms:Verify']);
    const allowed = resourcesIn(verifying[0]);
    expect(allowed).toHaveLength(2);
    expect(allowed).toContain(previousKeyArn);
    const env = functionNamed(built, provinceId, 'documents-verify-result')!.props.Environment.Variables;
    expect(JSON.stringify(env.RESULT_VERIFICATION_KEY_ARNS)).toContain(previousKeyArn);
    // The signer signs with the new key's ARN (what each result records).
    const signerEnv = functionNamed(built, provinceId, 'documents-sign-result')!.props.Environment.Variables;
    expect(JSON.stringify(signerEnv.RESULT_SIGNING_KEY_ID)).not.toContain(previousKeyArn);
  });

  test('the config refuses a previous key of another account or region, or one listed twice', () => {
    const { province } = synthesized(provinceId);
    const prod = province.aws.environments.prod;
    const withPrevious = (previousKeyArns: string[]) => {
      const next = structuredClone(province);
      next.aws.environments.prod.resultSigning = { generation: 2, previousKeyArns };
      return provinceConfigSchema.safeParse(next);
    };
    const arn = (account: string, region: string) =>
      `arn:aws:kms:${region}:${account}:key/0f0e0d0c-0b0a-4909-8807-060504030201`;
    expect(withPrevious([arn(prod.account, prod.region)]).success).toBe(true);
    expect(withPrevious([arn('999999999999', prod.region)]).success).toBe(false);
    expect(withPrevious([arn(prod.account, 'eu-west-1')]).success).toBe(false);
    expect(withPrevious([arn(prod.account, prod.region), arn(prod.account, prod.region)]).success).toBe(false);
    expect(withPrevious(['alias/motcua-result-signing']).success).toBe(false);
  });
});

/** What the Zalo token refresh deploys, checked present or absent together. */
function zaloRefresh(built: BuiltApp, provinceId: string, province: ProvinceConfig) {
  const fn = functionNamed(built, provinceId, 'notifications-zalo-token-refresh');
  const rule = resources(built, 'AWS::Events::Rule').find(
    (r) => r.resource.Properties.Name === `motcua-${provinceId}-notifications-zalo-token`,
  );
  const writes = resources(built, 'AWS::IAM::Policy').flatMap((p) =>
    (p.resource.Properties.PolicyDocument.Statement as Cfn[]).filter((s) =>
      actionsOf(s).includes('secretsmanager:PutSecretValue'),
    ),
  );
  const alarm = resources(built, 'AWS::CloudWatch::Alarm').find(
    (a) => a.resource.Properties.AlarmName === `motcua-${provinceId}-zalo-token-refresh-failed`,
  );
  if (province.notifications.zalo.enabled) {
    expect(fn, 'the refresher').toBeDefined();
    expect(fn!.props.Environment.Variables).toMatchObject({
      ZALO_APP_ID: province.notifications.zalo.appId,
      ZALO_SECRET_NAME: province.notifications.zalo.secretName,
    });
    expect(rule, 'its schedule').toBeDefined();
    expect(rule!.resource.Properties.ScheduleExpression).toBe('rate(1 hour)');
    expect(JSON.stringify(rule!.resource.Properties.Targets)).toContain(fn!.id);
    // The one function that may write a secret writes the Zalo secret only.
    expect(writes).toHaveLength(1);
    expect(JSON.stringify(writes[0].Resource)).toContain(`:secret:${province.notifications.zalo.secretName}-??????`);
    const statements = statementsOf(built, provinceId, 'notifications-zalo-token-refresh');
    expect(statements.some((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'))).toBe(true);
    expect(alarm, 'its failure alarm').toBeDefined();
    const filter = resources(built, 'AWS::Logs::MetricFilter').find(
      (f) => f.resource.Properties.MetricTransformations[0].MetricName === 'ZaloTokenRefreshFailures',
    )!;
    expect(filter.resource.Properties.LogGroupName).toBe(
      `/aws/lambda/motcua-${provinceId}-notifications-zalo-token-refresh`,
    );
    expect(filter.resource.Properties.FilterPattern).toBe(
      '{ $.message = "zalo token refresh" && $.status = "failed" }',
    );
  } else {
    expect(fn, 'the refresher').toBeUndefined();
    expect(rule, 'its schedule').toBeUndefined();
    expect(writes).toEqual([]);
    expect(alarm).toBeUndefined();
  }
}

/** What SES feedback deploys, checked present or absent together. */
function sesFeedback(built: BuiltApp, provinceId: string, province: ProvinceConfig) {
  const notifications = contextStack(built, 'notifications-on-event')!;
  const template = Template.fromStack(notifications);
  const setsById = template.findResources('AWS::SES::ConfigurationSet');
  const sets = Object.values(setsById);
  const sender = functionNamed(built, provinceId, 'notifications-on-event')!;
  const consumer = functionNamed(built, provinceId, 'notifications-on-email-feedback');
  if (!province.notifications.email.enabled) {
    expect(sets).toEqual([]);
    expect(sender.props.Environment.Variables.NOTIFICATIONS_SES_CONFIGURATION_SET).toBeUndefined();
    expect(consumer).toBeUndefined();
    return;
  }
  const setName = `motcua-${provinceId}-email`;
  expect(sets).toHaveLength(1);
  expect(sets[0]!.Properties).toMatchObject({
    Name: setName,
    SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
  });
  expect(sender.props.Environment.Variables.NOTIFICATIONS_SES_CONFIGURATION_SET).toBe(setName);
  const sendEmail = statementsOf(built, provinceId, 'notifications-on-event').find((s) =>
    actionsOf(s).includes('ses:SendEmail'),
  )!;
  expect(JSON.stringify(sendEmail.Resource)).toContain(`:configuration-set/${setName}`);

  const topicName = `motcua-${provinceId}-notifications-email-feedback`;
  const [topicId, topic] = Object.entries(template.findResources('AWS::SNS::Topic')).find(
    ([, t]) => t.Properties.TopicName === topicName,
  )!;
  template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
    ConfigurationSetName: { Ref: Object.keys(setsById)[0] },
    EventDestination: Match.objectLike({
      Enabled: true,
      MatchingEventTypes: ['bounce', 'complaint'],
      SnsDestination: { TopicARN: { Ref: topicId } },
    }),
  });
  // SES may publish to the topic (for this configuration set) and use the topic's key.
  template.hasResourceProperties('AWS::SNS::TopicPolicy', {
    Topics: [{ Ref: topicId }],
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Action: 'sns:Publish',
          Principal: { Service: 'ses.amazonaws.com' },
          Condition: {
            StringEquals: Match.objectLike({ 'AWS:SourceAccount': province.aws.environments.prod.account }),
          },
        }),
      ]),
    },
  });
  const keyId = topic.Properties.KmsMasterKeyId['Fn::GetAtt'][0] as string;
  const key = template.findResources('AWS::KMS::Key')[keyId]!;
  const sesUse = (key.Properties.KeyPolicy.Statement as Cfn[]).find(
    (s) => s.Principal?.Service === 'ses.amazonaws.com',
  );
  expect(sesUse.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
  expect(key.DeletionPolicy).toBe('Retain');

  // The topic delivers raw to the consumer's queue, with a DLQ on the subscription and on the queue.
  const queues = template.findResources('AWS::SQS::Queue');
  const [queueId, queue] = Object.entries(queues).find(
    ([, q]) => q.Properties.QueueName === `motcua-${provinceId}-notifications-email-feedback`,
  )!;
  const dlqId = queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0] as string;
  expect(queues[dlqId]!.Properties.QueueName).toBe(`motcua-${provinceId}-notifications-email-feedback-dlq`);
  template.hasResourceProperties('AWS::SNS::Subscription', {
    Protocol: 'sqs',
    TopicArn: { Ref: topicId },
    Endpoint: { 'Fn::GetAtt': [queueId, 'Arn'] },
    RawMessageDelivery: true,
    RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
  });
  expect(consumer, 'the feedback consumer').toBeDefined();
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
    FunctionName: { Ref: consumer!.id },
    FunctionResponseTypes: ['ReportBatchItemFailures'],
  });
  expect(
    resources(built, 'AWS::CloudWatch::Alarm').some(
      (a) => a.resource.Properties.AlarmName === `motcua-${provinceId}-notifications-email-feedback-dlq-not-empty`,
    ),
  ).toBe(true);
  // The feedback counts in the notification failure rate.
  const rate = resources(built, 'AWS::CloudWatch::Alarm').find(
    (a) => a.resource.Properties.AlarmName === `motcua-${provinceId}-notification-failure-rate`,
  )!;
  expect(JSON.stringify(rate.resource.Properties.Metrics)).toContain('EmailsBouncedOrComplained');
}

describe.each(PROVINCES)('Zalo OA token refresh and SES feedback, province %s', (provinceId) => {
  test('as configured: the refresher only where Zalo is enabled, the configuration set where email is', () => {
    const { built, province } = synthesized(provinceId);
    zaloRefresh(built, provinceId, province);
    sesFeedback(built, provinceId, province);
  });

  test('with the channels flipped: Zalo on where it was off (and off where it was on), email off', () => {
    const { built, province } = synthesizedAfterChange(provinceId);
    expect(province.notifications.zalo.enabled).toBe(!synthesized(provinceId).province.notifications.zalo.enabled);
    zaloRefresh(built, provinceId, province);
    sesFeedback(built, provinceId, province);
  });
});

/** The province with dossiers (an outbox table) and reporting (none) pointed at restored tables in prod. */
function restored(province: ProvinceConfig) {
  const prod = province.aws.environments.prod;
  const dossiers = `motcua-${province.id}-dossiers-restore-202612070800`;
  const reporting = `motcua-${province.id}-reporting-restore-202612070800`;
  const streamArn = `arn:aws:dynamodb:${prod.region}:${prod.account}:table/${dossiers}/stream/2026-12-07T01:15:00.000`;
  const next = structuredClone(province);
  next.aws.environments.prod.tables = {
    dossiers: { tableName: dossiers, streamArn },
    reporting: { tableName: reporting },
  };
  return { config: next, dossiers, reporting, streamArn };
}

describe.each(PROVINCES)('pointing a context at a restored table, province %s', (provinceId) => {
  test('every function, grant and the outbox mapping use the restored table; the stack creates none in its place', () => {
    const { config, dossiers, reporting, streamArn } = restored(synthesized(provinceId).province);
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:defaultCrossStackReferences': 'strong' },
    });
    const built = buildApp(app, provinceConfigSchema.parse(config), { nag: false });
    const tables = resources(built, 'AWS::DynamoDB::GlobalTable').map((t) => t.resource.Properties.TableName);
    expect(tables).not.toContain(`motcua-${provinceId}-dossiers`);
    expect(tables).not.toContain(`motcua-${provinceId}-reporting`);
    expect(tables).toContain(`motcua-${provinceId}-payments`); // the others are untouched

    for (const [name, logical] of [
      [dossiers, 'dossiers'],
      [reporting, 'reporting'],
    ] as const) {
      const stack = built.contexts.find((c) => c.tables.has(logical))!;
      const template = Template.fromStack(stack);
      const fns = Object.values(template.findResources('AWS::Lambda::Function')).filter(
        (f) => f.Properties.Environment?.Variables?.[`TABLE_${logical.toUpperCase()}`] !== undefined,
      );
      expect(fns.length).toBeGreaterThan(0);
      for (const fn of fns) expect(fn.Properties.Environment.Variables[`TABLE_${logical.toUpperCase()}`]).toBe(name);
      const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
      expect(policies).toContain(`:table/${name}`);
      expect(policies).toContain(`:table/${name}/index/*`);
      expect(policies).not.toContain(`table/motcua-${provinceId}-${logical}"`);
    }
    const mappings = resources(built, 'AWS::Lambda::EventSourceMapping').filter(
      (m) => m.resource.Properties.StartingPosition === 'TRIM_HORIZON',
    );
    expect(mappings.map((m) => m.resource.Properties.EventSourceArn)).toContain(streamArn);
    const dossiersStack = built.contexts.find((c) => c.tables.has('dossiers'))!;
    const publisher = Object.values(
      Template.fromStack(dossiersStack).findResources('AWS::Lambda::EventSourceMapping'),
    ).find((m) => m.Properties.EventSourceArn === streamArn)!;
    expect(JSON.stringify(publisher.Properties.FunctionName)).toContain('dossiersoutboxpublisher');
  });

  test('the config refuses a table outside the province naming, a stream of another table; synth, an outbox without stream', () => {
    const { config, dossiers, streamArn } = restored(synthesized(provinceId).province);
    expect(provinceConfigSchema.safeParse(config).success).toBe(true);
    const variant = (tables: Cfn) => {
      const next = structuredClone(config);
      next.aws.environments.prod.tables = tables;
      return next;
    };
    expect(
      provinceConfigSchema.safeParse(variant({ dossiers: { tableName: 'dossiers-copy', streamArn } })).success,
    ).toBe(false);
    expect(
      provinceConfigSchema.safeParse(variant({ dossiers: { tableName: `motcua-${provinceId}-payments-x`, streamArn } }))
        .success,
    ).toBe(false);
    expect(
      provinceConfigSchema.safeParse(
        variant({ dossiers: { tableName: dossiers, streamArn: streamArn.replace(dossiers, `${dossiers}-other`) } }),
      ).success,
    ).toBe(false);
    expect(
      provinceConfigSchema.safeParse(variant({ unknown: { tableName: `motcua-${provinceId}-unknown` } })).success,
    ).toBe(false);
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() =>
      buildApp(app, provinceConfigSchema.parse(variant({ dossiers: { tableName: dossiers } })), { nag: false }),
    ).toThrow(/tables\.dossiers\.streamArn is required/);
  });
});
