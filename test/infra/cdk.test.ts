/**
 * The synthesized CloudFormation of each province: built from the topology, cdk-nag AwsSolutions clean
 * (every acknowledgement carries a reason), and in agreement with the local runtime (test/integration/topology).
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, test } from 'vitest';
import { loadProvinceConfig } from '#platform/province.ts';
import { allTopologies } from '#topology/index.ts';
import { buildApp } from '../../infra/build-app.ts';
import { isDeployedRoute } from '../../infra/stacks/api-stack.ts';
import { isDevOnlyFunction } from '../../infra/stacks/context-stack.ts';

function synth(provinceId: string) {
  // Bundling is skipped here (it is exercised by `npm run synth`); the templates are otherwise identical.
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:defaultCrossStackReferences': 'strong' },
  });
  const built = buildApp(app, loadProvinceConfig(provinceId));
  const assembly = app.synth();
  return { built, assembly };
}

const AUTH_TYPE = { citizen: 'JWT', official: 'JWT', user: 'CUSTOM', public: 'NONE', webhook: 'NONE' } as const;

describe.each(['dong-nai', 'lai-chau'])('province %s', (provinceId) => {
  const { built, assembly } = synth(provinceId);
  const api = Template.fromStack(built.api);

  test('synthesizes with zero unacknowledged cdk-nag AwsSolutions findings', () => {
    // App.synth() throws "Validation failed" when a plugin reports a violation; reaching here means none.
    expect(assembly.stacks.length).toBe(2 + allTopologies().length);
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

  test('JWT authorizers trust the configured issuers only', () => {
    const province = loadProvinceConfig(provinceId);
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
      for (const consumer of topology.consumers) {
        template.hasResourceProperties('AWS::SQS::Queue', {
          QueueName: `motcua-${provinceId}-${consumer.queue}`,
          RedrivePolicy: Match.objectLike({ maxReceiveCount: consumer.maxReceiveCount }),
        });
        template.hasResourceProperties('AWS::SQS::Queue', { QueueName: `motcua-${provinceId}-${consumer.queue}-dlq` });
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          AlarmName: `motcua-${provinceId}-${consumer.queue}-dlq-not-empty`,
        });
        if (consumer.awsEventSource) {
          template.hasResourceProperties('AWS::Events::Rule', {
            EventPattern: Match.objectLike({
              source: [consumer.awsEventSource.source],
              'detail-type': [consumer.awsEventSource.detailType],
            }),
          });
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
      }
      const functions = template.findResources('AWS::Lambda::Function');
      for (const fn of Object.values(functions)) {
        if (String(fn.Properties.Handler).startsWith('index.handler')) expect(fn.Properties.Runtime).toBe('nodejs24.x');
      }
      const deployed = topology.functions.filter((f) => !isDevOnlyFunction(topology, f.name));
      expect(Object.keys(functions).length).toBeGreaterThanOrEqual(deployed.length);
    }
  });
});
