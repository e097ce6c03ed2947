/**
 * The synthesized CloudFormation and the local runtime are built from one declaration; this proves they
 * agree where it matters: every deployed route exists locally with the same authorization, and every
 * consumer has the same queue, DLQ redrive and subscription filter on both sides.
 */
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadProvinceConfig } from '#platform/province.ts';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';
import { allRoutes } from '#topology/index.ts';
import { fedByEventBus } from '#topology/types.ts';
import { buildApp } from '../../infra/build-app.ts';

let cloud: TestCloud;
const app = new App({
  context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:defaultCrossStackReferences': 'strong' },
});
const built = buildApp(app, loadProvinceConfig('dong-nai'), { nag: false });
const apiTemplate = Template.fromStack(built.api);
const contextTemplates = built.contexts.map((s) => Template.fromStack(s));

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  await cloud?.stop();
});

const sampleFor = (param: string): string => (param === 'year' ? '2026' : param === 'code' ? '2.000815' : 'sample');

describe('template and local runtime agree', () => {
  test('every deployed route answers locally, refusing a missing token exactly where the template has an authorizer', async () => {
    const routes = Object.values(apiTemplate.findResources('AWS::ApiGatewayV2::Route')).map((r) => ({
      key: String(r.Properties.RouteKey),
      protectedInCloud: (r.Properties.AuthorizationType ?? 'NONE') !== 'NONE',
    }));
    expect(routes.length).toBeGreaterThan(0);
    // A machine-to-machine door (auth: 'webhook') has no authorizer in the template: its handler checks its own
    // credential (the national portal's intake key) and answers its own 401, in the cloud as locally.
    const checksOwnCredential = new Set(
      allRoutes()
        .filter((r) => r.auth === 'webhook')
        .map((r) => `${r.method} ${r.path}`),
    );
    const mismatches: string[] = [];
    for (const { key, protectedInCloud } of routes) {
      const [method, path] = key.split(' ') as [string, string];
      const concrete = path.replace(/\{(\w+)\+?\}/g, (_m, p: string) => sampleFor(p));
      const res = await cloud.fetch(concrete, {
        method,
        ...(method === 'GET' || method === 'DELETE'
          ? {}
          : { rawBody: '{}', headers: { 'content-type': 'application/json' } }),
      });
      const protectedLocally = res.status === 401 && !checksOwnCredential.has(key);
      if (res.status === 404 && res.json?.message === 'Not Found') mismatches.push(`${key}: no such route locally`);
      else if (protectedLocally !== protectedInCloud)
        mismatches.push(`${key}: cloud ${protectedInCloud}, local ${protectedLocally}`);
    }
    expect(mismatches).toEqual([]);
  });

  test('every consumer queue has the same DLQ redrive and event filter locally as in the template', async () => {
    const sqs = new SQSClient({ endpoint: process.env.AWS_ENDPOINT_URL_SQS, region: process.env.AWS_REGION });
    const sns = new SNSClient({ endpoint: process.env.AWS_ENDPOINT_URL_SNS, region: process.env.AWS_REGION });
    const subscriptions = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: cloud.resources.topicArn }));
    const filterByQueueArn = new Map<string, unknown>();
    for (const s of subscriptions.Subscriptions ?? []) {
      const attrs = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn }));
      filterByQueueArn.set(s.Endpoint!, JSON.parse(attrs.Attributes?.FilterPolicy ?? '{}'));
    }
    let compared = 0;
    for (const template of contextTemplates) {
      const subscriptionsInCloud = Object.values(template.findResources('AWS::SNS::Subscription'));
      for (const [queueId, queue] of Object.entries(template.findResources('AWS::SQS::Queue'))) {
        const redrive = queue.Properties.RedrivePolicy as { maxReceiveCount: number } | undefined;
        if (!redrive) continue;
        const logical = String(queue.Properties.QueueName).replace(/^motcua-dong-nai-/, '');
        const local = cloud.resources.queues.get(logical);
        expect(local, logical).toBeDefined();
        const attrs = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: local!.url,
            AttributeNames: ['RedrivePolicy', 'VisibilityTimeout'],
          }),
        );
        const localRedrive = JSON.parse(attrs.Attributes!.RedrivePolicy!);
        expect(localRedrive.maxReceiveCount).toBe(redrive.maxReceiveCount);
        expect(localRedrive.deadLetterTargetArn).toBe(local!.dlqArn);
        expect(Number(attrs.Attributes!.VisibilityTimeout)).toBe(queue.Properties.VisibilityTimeout);
        const cloudSubscription = subscriptionsInCloud.find((s) =>
          JSON.stringify(s.Properties.Endpoint).includes(queueId),
        );
        if (!fedByEventBus(local!.consumer)) {
          // Fed by an AWS service on AWS (an EventBridge rule; SES's own topic, unfiltered), by nothing on the
          // bus either side.
          if (local!.consumer.sesFeedback) expect(cloudSubscription?.Properties.FilterPolicy, logical).toBeUndefined();
          else expect(cloudSubscription, `${logical} subscription`).toBeUndefined();
          expect(filterByQueueArn.has(local!.arn)).toBe(false);
        } else {
          expect(cloudSubscription, `${logical} subscription`).toBeDefined();
          expect(filterByQueueArn.get(local!.arn)).toEqual(cloudSubscription!.Properties.FilterPolicy);
        }
        compared++;
      }
    }
    expect(compared).toBe(cloud.resources.queues.size);
    sqs.destroy();
    sns.destroy();
  });
});
