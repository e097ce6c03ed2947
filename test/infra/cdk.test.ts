/**
 * The synthesized CloudFormation of each province: built from the topology, cdk-nag AwsSolutions clean
 * (every acknowledgement carries a reason), and in agreement with the local runtime (test/integration/topology).
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, test } from 'vitest';
import { allTopologies } from '#topology/index.ts';
import type { ConsumerDecl, ContextTopology } from '#topology/types.ts';
import { isDeployedRoute } from '../../infra/stacks/api-stack.ts';
import { isDeployedFunction } from '../../infra/stacks/context-stack.ts';
import { PROVINCES, synthesized } from './synth.ts';

const AUTH_TYPE = { citizen: 'JWT', official: 'JWT', user: 'CUSTOM', public: 'NONE', webhook: 'NONE' } as const;

/** The consumers a province deploys: those whose function it deploys (a channel it enables). */
const deployedConsumers = (topology: ContextTopology, provinceId: string): ConsumerDecl[] => {
  const { province } = synthesized(provinceId);
  return topology.consumers.filter((c) =>
    isDeployedFunction(topology, topology.functions.find((f) => f.name === c.function)!, province),
  );
};

describe.each(PROVINCES)('province %s', (provinceId) => {
  const { built, assembly } = synthesized(provinceId);
  const api = Template.fromStack(built.api);

  test('synthesizes with zero unacknowledged cdk-nag AwsSolutions findings', () => {
    // App.synth() throws "Validation failed" when a plugin reports a violation; reaching here means none.
    // Foundation, one per context, API, edge (us-east-1), monitoring.
    expect(assembly.stacks.length).toBe(4 + allTopologies().length);
  });

  test('every deployed route of the topology exists with its authorizer, and no dev route is deployed', () => {
    const routes = api.findResources('AWS::ApiGatewayV2::Route');
    const byKey = new Map(Object.values(routes).map((r) => [r.Properties.RouteKey as string, r.Properties]));
    const declared = allTopologies().flatMap((t) => t.routes);
    for (const route of declared.filter(isDeployedRoute)) {
      const props = byKey.get(`${route.method} ${route.path}`);
      expect(props, `${route.method} ${route.path}`).toBeDefined();
      expect(props.AuthorizationType ?? 'NONE', `${route.method} ${route.path}`).toBe(AUTH_TYPE[route.auth]);
    }
    expect([...byKey.keys()].filter((k) => k.includes(' /dev/'))).toEqual([]);
    expect(byKey.size).toBe(declared.filter(isDeployedRoute).length);
  });

  test('CORS: the portal origin of the config, and the response headers clients read (as the local gateway)', () => {
    const { province } = synthesized(provinceId);
    api.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: [province.domains.portal],
        ExposeHeaders: Match.arrayWith(['etag', 'location', 'idempotent-replayed', 'retry-after', 'x-resync-created']),
      }),
    });
  });

  test('JWT authorizers trust the configured issuers only', () => {
    const { province } = synthesized(provinceId);
    const auths = new Set(allTopologies().flatMap((t) => t.routes.filter(isDeployedRoute).map((r) => r.auth)));
    const jwtAuthorizers = Object.values(api.findResources('AWS::ApiGatewayV2::Authorizer')).filter(
      (a) => a.Properties.AuthorizerType === 'JWT',
    );
    // CDK creates an authorizer only when a route uses it.
    expect(jwtAuthorizers.length).toBe((auths.has('citizen') ? 1 : 0) + (auths.has('official') ? 1 : 0));
    if (auths.has('citizen'))
      api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'JWT',
        JwtConfiguration: {
          Issuer: province.identity.citizens.issuer,
          Audience: [province.identity.citizens.audience],
        },
      });
    if (auths.has('official'))
      api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'JWT',
        JwtConfiguration: {
          Issuer: province.identity.officials.issuer,
          Audience: [province.identity.officials.audience],
        },
      });
  });

  test('every consumer has a queue with a DLQ and an alarm; every table has PITR; every function runs Node 24', () => {
    for (const stack of built.contexts) {
      const template = Template.fromStack(stack);
      const topology = allTopologies().find((t) => stack.stackName.toLowerCase().endsWith(t.context))!;
      for (const consumer of deployedConsumers(topology, provinceId)) {
        template.hasResourceProperties('AWS::SQS::Queue', {
          QueueName: `motcua-${provinceId}-${consumer.queue}`,
          RedrivePolicy: Match.objectLike({ maxReceiveCount: consumer.maxReceiveCount }),
        });
        template.hasResourceProperties('AWS::SQS::Queue', { QueueName: `motcua-${provinceId}-${consumer.queue}-dlq` });
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          AlarmName: `motcua-${provinceId}-${consumer.queue}-dlq-not-empty`,
        });
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          AlarmName: `motcua-${provinceId}-${consumer.queue}-oldest-message-age`,
        });
        if (consumer.awsEventSource) {
          template.hasResourceProperties('AWS::Events::Rule', {
            EventPattern: Match.objectLike({
              source: [consumer.awsEventSource.source],
              'detail-type': [consumer.awsEventSource.detailType],
            }),
          });
        } else if (consumer.sesFeedback) {
          template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'sqs', RawMessageDelivery: true });
        } else {
          template.hasResourceProperties('AWS::SNS::Subscription', {
            RawMessageDelivery: true,
            FilterPolicy: { type: consumer.eventTypes },
          });
        }
      }
      for (const table of topology.tables) {
        template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
          TableName: `motcua-${provinceId}-${table.name}`,
          Replicas: Match.arrayWith([
            Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
          ]),
          ...(table.outbox ? { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } } : {}),
        });
        // Each index holds what its declaration says it projects (the local runtime provisions the same).
        for (const index of table.indexes) {
          template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
            TableName: `motcua-${provinceId}-${table.name}`,
            GlobalSecondaryIndexes: Match.arrayWith([
              Match.objectLike({
                IndexName: index.name,
                Projection: index.projects
                  ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projects] }
                  : { ProjectionType: 'ALL' },
              }),
            ]),
          });
        }
      }
      const functions = template.findResources('AWS::Lambda::Function');
      for (const fn of Object.values(functions)) {
        if (String(fn.Properties.Handler).startsWith('index.handler')) expect(fn.Properties.Runtime).toBe('nodejs24.x');
      }
      const deployed = topology.functions.filter((f) =>
        isDeployedFunction(topology, f, synthesized(provinceId).province),
      );
      expect(Object.keys(functions).length).toBeGreaterThanOrEqual(deployed.length);
    }
  });
});

/** CloudFormation JSON as the templates hold it. */
// biome-ignore lint/suspicious/noExplicitAny: template properties are free-form JSON, read field by field.
type Cfn = any;

/** Every resource of a type across the province's stacks, with the stack it is in. */
function resourcesOf(provinceId: string, type: string) {
  const { built } = synthesized(provinceId);
  const stacks = [built.foundation, ...built.contexts, built.api, built.edge, built.monitoring];
  return stacks.flatMap((stack) =>
    Object.entries(Template.fromStack(stack).findResources(type)).map(([id, r]) => ({
      stack: stack.stackName,
      id,
      props: r.Properties as Record<string, Cfn>,
    })),
  );
}

const alarmNames = (provinceId: string) =>
  new Set(resourcesOf(provinceId, 'AWS::CloudWatch::Alarm').map((a) => a.props.AlarmName as string));

describe.each(PROVINCES)('day one on AWS, province %s', (provinceId) => {
  const { built, province } = synthesized(provinceId);
  const foundation = Template.fromStack(built.foundation);
  const topologies = allTopologies();
  const deployedFunctions = topologies.flatMap((t) => t.functions.filter((f) => isDeployedFunction(t, f, province)));

  test('alarms can publish: the alarm topic key and topic policy admit CloudWatch of this account', () => {
    const keys = foundation.findResources('AWS::KMS::Key');
    const alarmTopic = Object.values(foundation.findResources('AWS::SNS::Topic')).find(
      (t) => t.Properties.TopicName === `motcua-${provinceId}-alarms`,
    )!;
    const keyId = alarmTopic.Properties.KmsMasterKeyId['Fn::GetAtt'][0] as string;
    const statements = keys[keyId]!.Properties.KeyPolicy.Statement as Cfn[];
    const cloudwatch = statements.find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(cloudwatch.Effect).toBe('Allow');
    expect(cloudwatch.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
    expect(cloudwatch.Condition.StringEquals['aws:SourceAccount']).toBe(province.aws.environments.prod.account);
    foundation.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
          }),
        ]),
      },
    });
    foundation.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: province.alarms.emails[0],
    });
    // Every alarm pages the alarm topic (and says when it is over).
    for (const alarm of resourcesOf(provinceId, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.props.AlarmActions, alarm.props.AlarmName).toHaveLength(1);
      expect(alarm.props.OKActions, alarm.props.AlarmName).toHaveLength(1);
      expect(alarm.props.AlarmDescription, alarm.props.AlarmName).toMatch(/docs\/operations\.md/);
    }
  });

  test('alarms on every function (errors, throttles, handled 5xx), queue age, DLQs, the API and the domain', () => {
    const names = alarmNames(provinceId);
    const expected = [
      'api-5xx',
      'api-latency-p99',
      'payments-pending-too-long',
      'national-sync-backlog',
      'national-sync-failures',
      'notification-failure-rate',
      'catalog-load-reference-data-errors',
    ];
    for (const fn of deployedFunctions) {
      expected.push(`${fn.name}-errors`, `${fn.name}-throttles`);
      if (fn.kind === 'http') expected.push(`${fn.name}-server-errors`);
    }
    for (const t of topologies) {
      for (const c of deployedConsumers(t, provinceId))
        expected.push(`${c.queue}-dlq-not-empty`, `${c.queue}-oldest-message-age`);
      for (const table of t.tables.filter((x) => x.outbox)) expected.push(`${table.name}-outbox-dlq-not-empty`);
    }
    for (const name of expected) expect(names, name).toContain(`motcua-${provinceId}-${name}`);
  });

  test('the domain alarms read metrics the contexts log, through metric filters on their log groups', () => {
    const filters = Template.fromStack(built.monitoring).findResources('AWS::Logs::MetricFilter');
    const byMetric = new Map(
      Object.values(filters).map((f) => [f.Properties.MetricTransformations[0].MetricName, f.Properties]),
    );
    expect(byMetric.get('PaymentsPendingPastExpiry').LogGroupName).toBe(
      `/aws/lambda/motcua-${provinceId}-payments-reconcile`,
    );
    expect(byMetric.get('PaymentsPendingPastExpiry').FilterPattern).toBe('{ $.message = "payments reconciled" }');
    expect(byMetric.get('NationalSyncOverdue').MetricTransformations[0].MetricValue).toBe('$.overdue');
    expect(byMetric.get('NotificationsFailed').FilterPattern).toContain('$.status = "failed"');
    const pending = resourcesOf(provinceId, 'AWS::CloudWatch::Alarm').find(
      (a) => a.props.AlarmName === `motcua-${provinceId}-payments-pending-too-long`,
    )!;
    expect(pending.props.EvaluationPeriods).toBe(Math.ceil(province.alarms.paymentsPendingMinutes / 5));
  });

  test('one CloudWatch dashboard for the province, listing every alarm', () => {
    const dashboards = Template.fromStack(built.monitoring).findResources('AWS::CloudWatch::Dashboard');
    expect(Object.keys(dashboards)).toHaveLength(1);
    const [dashboard] = Object.values(dashboards);
    expect(dashboard!.Properties.DashboardName).toBe(`motcua-${provinceId}-operations`);
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const name of alarmNames(provinceId)) expect(body, name).toContain(name);
  });

  test('the edge: CloudFront with the environment domain and certificate, AWS WAF attached', () => {
    const edge = Template.fromStack(built.edge);
    expect(built.edge.region).toBe('us-east-1');
    const prod = province.aws.environments.prod;
    edge.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: [prod.apiDomain],
        ViewerCertificate: Match.objectLike({ AcmCertificateArn: prod.certificateArn }),
        WebACLId: Match.objectLike({ 'Fn::GetAtt': Match.arrayWith(['Arn']) }),
        Logging: Match.objectLike({ Prefix: 'api/' }),
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'https-only' }),
      }),
    });
    const acls = Object.values(edge.findResources('AWS::WAFv2::WebACL'));
    expect(acls).toHaveLength(1);
    const rules = acls[0]!.Properties.Rules as Cfn[];
    const managed = rules.filter((r) => r.Statement.ManagedRuleGroupStatement).map((r) => r.Name);
    expect(managed).toEqual(
      expect.arrayContaining(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet']),
    );
    const rate = rules.filter((r) => r.Statement.RateBasedStatement);
    expect(rate.map((r) => r.Statement.RateBasedStatement.Limit).sort()).toEqual(
      Object.values(province.edge.rateLimitsPer5Min).sort(),
    );
    expect(acls[0]!.Properties.Scope).toBe('CLOUDFRONT');
  });

  test('IPN routes accept only the configured gateway address ranges', () => {
    const edge = Template.fromStack(built.edge);
    const sets = Object.values(edge.findResources('AWS::WAFv2::IPSet'));
    const configured = (['vnpay', 'momo'] as const).filter(
      (g) => province.gateways[g]?.enabled && province.gateways[g].ipnSourceRanges.length > 0,
    );
    expect(sets.map((s) => s.Properties.Name).sort()).toEqual(
      configured.map((g) => `motcua-${provinceId}-${g}-ipn-sources`).sort(),
    );
    const rules = Object.values(edge.findResources('AWS::WAFv2::WebACL'))[0]!.Properties.Rules as Cfn[];
    for (const gateway of configured) {
      const set = sets.find((s) => s.Properties.Name === `motcua-${provinceId}-${gateway}-ipn-sources`)!;
      expect(set.Properties.Addresses).toEqual(province.gateways[gateway]!.ipnSourceRanges);
      const rule = rules.find((r) => r.Name === `${gateway}-ipn-from-gateway-only`);
      expect(rule.Action).toEqual({ Block: {} });
      expect(rule.Statement.AndStatement.Statements[0].ByteMatchStatement.SearchString).toBe(
        `/payments/${gateway}/ipn`,
      );
      // Evaluated before the managed groups and rate rules.
      expect(rule.Priority).toBeLessThan(configured.length);
    }
  });

  test('every deployed route has its own throttle, by who calls it', () => {
    const stage = Object.values(Template.fromStack(built.api).findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    const settings = stage.Properties.RouteSettings as Record<string, Cfn>;
    for (const route of topologies.flatMap((t) => t.routes).filter(isDeployedRoute)) {
      const klass = route.auth === 'user' ? 'citizen' : route.auth;
      expect(settings[`${route.method} ${route.path}`], `${route.method} ${route.path}`).toEqual({
        ThrottlingRateLimit: province.throttles[klass].rate,
        ThrottlingBurstLimit: province.throttles[klass].burst,
      });
    }
    expect(stage.Properties.AccessLogSettings.DestinationArn).toBeDefined();
  });

  test('queues: visibility at least 6x the function timeout; SNS subscriptions have a DLQ; consumers are capped', () => {
    const functionsByName = new Map(
      resourcesOf(provinceId, 'AWS::Lambda::Function').map((f) => [f.props.FunctionName, f.props]),
    );
    for (const t of topologies) {
      for (const consumer of deployedConsumers(t, provinceId)) {
        const queue = resourcesOf(provinceId, 'AWS::SQS::Queue').find(
          (q) => q.props.QueueName === `motcua-${provinceId}-${consumer.queue}`,
        )!;
        const fn = functionsByName.get(`motcua-${provinceId}-${consumer.function}`)!;
        expect(queue.props.VisibilityTimeout / fn.Timeout, consumer.queue).toBeGreaterThanOrEqual(6);
      }
    }
    const subscriptions = resourcesOf(provinceId, 'AWS::SNS::Subscription').filter((s) => s.props.Protocol === 'sqs');
    // Bus consumers subscribe to the event bus, the SES feedback consumer to its own topic; EventBridge ones do not.
    expect(subscriptions.length).toBe(
      topologies.flatMap((t) => deployedConsumers(t, provinceId).filter((c) => !c.awsEventSource)).length,
    );
    for (const s of subscriptions) expect(s.props.RedrivePolicy?.deadLetterTargetArn, s.id).toBeDefined();
    const mappings = resourcesOf(provinceId, 'AWS::Lambda::EventSourceMapping').filter((m) => m.props.ScalingConfig);
    expect(mappings.length).toBe(topologies.flatMap((t) => deployedConsumers(t, provinceId)).length);
    for (const m of mappings)
      expect(m.props.ScalingConfig.MaximumConcurrency).toBeLessThanOrEqual(
        Math.max(province.consumerConcurrency.default, ...Object.values(province.consumerConcurrency.consumers)),
      );
  });

  test('reference data: a custom resource loads the calendar (and the seed catalog) on deploy', () => {
    const catalog = built.contexts.find((c) => c.functions.has('catalog-import'))!;
    const template = Template.fromStack(catalog);
    const loaders = Object.values(template.findResources('Custom::MotcuaReferenceData'));
    expect(loaders).toHaveLength(1);
    expect(loaders[0]!.Properties.seed).toBe(province.seed);
    expect(Object.keys(loaders[0]!.Properties.calendar)).toEqual(['2025', '2026', '2027']);
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `motcua-${provinceId}-catalog-load-reference-data`,
      Environment: { Variables: Match.objectLike({ REFERENCE_DATA_DIR: '/var/task/seed' }) },
    });
  });

  test('retention: documents expire after retention.documentsDays; platform records expire by TTL', () => {
    const buckets = resourcesOf(provinceId, 'AWS::S3::Bucket').filter((b) =>
      String(JSON.stringify(b.props.BucketName)).includes('documents-'),
    );
    expect(buckets).toHaveLength(1);
    const rules = buckets[0]!.props.LifecycleConfiguration.Rules as Cfn[];
    expect(rules.some((r) => r.ExpirationInDays === province.retention.documentsDays && !r.Prefix)).toBe(true);
    for (const table of resourcesOf(provinceId, 'AWS::DynamoDB::GlobalTable'))
      expect(table.props.TimeToLiveSpecification?.Enabled, table.props.TableName).toBe(true);
    // The payments functions write the gateways' callbacks with the province's retention as their TTL.
    const payments = built.contexts.find((c) => c.functions.has('payments-reconcile'))!;
    for (const fn of Object.values(Template.fromStack(payments).findResources('AWS::Lambda::Function')))
      expect(fn.Properties.Environment.Variables.PAYMENT_CALLBACKS_RETENTION_DAYS).toBe(
        String(province.retention.paymentCallbacksDays),
      );
  });

  test('per-province correctness: gateways and secrets from the config; no source maps shipped', () => {
    const enabled = (['vnpay', 'momo', 'paygov'] as const).filter((g) => province.gateways[g]?.enabled);
    const payments = built.contexts.find((c) => c.functions.has('payments-reconcile'))!;
    const fns = Object.values(Template.fromStack(payments).findResources('AWS::Lambda::Function'));
    const policies = JSON.stringify(Template.fromStack(payments).findResources('AWS::IAM::Policy'));
    for (const fn of fns) {
      const vars = fn.Properties.Environment.Variables;
      expect(vars.PAYMENT_GATEWAYS).toBe(enabled.join(','));
      if (!enabled.includes('momo')) expect(vars.MOMO_SECRET_NAME).toBeUndefined();
      if (enabled.includes('paygov')) {
        // The platform is told which treasury account to collect into, and the function may read its key.
        expect(JSON.parse(vars.PAYGOV_BENEFICIARY)).toEqual(province.gateways.paygov!.beneficiary);
        if (vars.PAYGOV_SECRET_NAME) expect(vars.PAYGOV_SECRET_NAME).toBe(province.gateways.paygov!.secretName);
      } else {
        expect(vars.PAYGOV_SECRET_NAME).toBeUndefined();
        expect(vars.PAYGOV_BENEFICIARY).toBeUndefined();
      }
    }
    if (!enabled.includes('momo')) expect(policies).not.toContain('/momo');
    if (!enabled.includes('paygov')) expect(policies).not.toContain('/paygov');
    for (const fn of resourcesOf(provinceId, 'AWS::Lambda::Function'))
      expect(fn.props.Environment?.Variables?.NODE_OPTIONS ?? '', fn.id).not.toContain('source-maps');
  });

  test('environments: each stack deploys to the account and region of the environment', () => {
    const prod = province.aws.environments.prod;
    for (const stack of [built.foundation, ...built.contexts, built.api, built.monitoring]) {
      expect(stack.account).toBe(prod.account);
      expect(stack.region).toBe(prod.region);
    }
    expect(built.edge.account).toBe(prod.account);
  });
});
