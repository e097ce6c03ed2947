/**
 * Creates, from the topology, everything the CDK stacks create on AWS: the tables (keys, indexes, stream,
 * TTL), the event topic, one queue per consumer with its DLQ and redrive policy, the SNS subscriptions
 * with their filter policies, and the buckets. Idempotent: on a restart with data it only fills gaps.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  type SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type ConsumerDecl, type ContextTopology, fedByEventBus, type TableDecl } from '#topology/types.ts';

export interface QueueResource {
  name: string;
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
  consumer: ConsumerDecl;
}

export interface LocalResources {
  prefix: string;
  tables: Map<string, { name: string; streamArn?: string; decl: TableDecl; failureQueueUrl?: string }>;
  topicArn: string;
  queues: Map<string, QueueResource>;
  buckets: Map<string, string>;
}

export interface ProvisionClients {
  dynamo: DynamoDBClient;
  sns: SNSClient;
  sqs: SQSClient;
  s3: S3Client;
}

export const physicalName = (prefix: string, logical: string): string => `${prefix}-${logical}`;

async function ensureTable(dynamo: DynamoDBClient, name: string, decl: TableDecl): Promise<string | undefined> {
  try {
    const existing = await dynamo.send(new DescribeTableCommand({ TableName: name }));
    return existing.Table?.LatestStreamArn;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const attributes = new Map<string, 'S'>([
    ['pk', 'S'],
    ['sk', 'S'],
  ]);
  for (const index of decl.indexes) {
    attributes.set(index.partitionKey, 'S');
    if (index.sortKey) attributes.set(index.sortKey, 'S');
  }
  const created = await dynamo.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      ...(decl.indexes.length > 0
        ? {
            GlobalSecondaryIndexes: decl.indexes.map((index) => ({
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
                ...(index.sortKey ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' as const }] : []),
              ],
              Projection: index.projects
                ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.projects] }
                : { ProjectionType: 'ALL' as const },
            })),
          }
        : {}),
      ...(decl.outbox ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' as const } } : {}),
    }),
  );
  if (decl.ttlAttribute) {
    await dynamo.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: decl.ttlAttribute, Enabled: true },
      }),
    );
  }
  return created.TableDescription?.LatestStreamArn;
}

async function ensureQueue(sqs: SQSClient, name: string, attributes: Record<string, string>) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = QueueUrl!;
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url, arn: attrs.Attributes!.QueueArn! };
}

export async function provision(
  topologies: ContextTopology[],
  prefix: string,
  clients: ProvisionClients,
): Promise<LocalResources> {
  const tables: LocalResources['tables'] = new Map();
  for (const decl of topologies.flatMap((t) => t.tables)) {
    const name = physicalName(prefix, decl.name);
    const streamArn = await ensureTable(clients.dynamo, name, decl);
    // The stream's on-failure destination: where a batch the publisher keeps failing on is kept for redrive.
    const failureQueue = decl.outbox
      ? await ensureQueue(clients.sqs, `${name}-outbox-dlq`, { MessageRetentionPeriod: String(14 * 86_400) })
      : undefined;
    tables.set(decl.name, {
      name,
      decl,
      ...(streamArn ? { streamArn } : {}),
      ...(failureQueue ? { failureQueueUrl: failureQueue.url } : {}),
    });
  }

  const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: physicalName(prefix, 'events') }));
  const topicArn = TopicArn!;
  const existingSubscriptions = await clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
  const subscribed = new Set((existingSubscriptions.Subscriptions ?? []).map((s) => s.Endpoint));

  const queues: LocalResources['queues'] = new Map();
  for (const consumer of topologies.flatMap((t) => t.consumers)) {
    const name = physicalName(prefix, consumer.queue);
    const dlq = await ensureQueue(clients.sqs, `${name}-dlq`, { MessageRetentionPeriod: String(14 * 86_400) });
    const queue = await ensureQueue(clients.sqs, name, {
      VisibilityTimeout: String(consumer.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: consumer.maxReceiveCount }),
    });
    // Queues fed by AWS service events (not the bus) get no subscription; tests send to them directly.
    if (fedByEventBus(consumer) && !subscribed.has(queue.arn)) {
      await clients.sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: queue.arn,
          Attributes: {
            RawMessageDelivery: 'true',
            FilterPolicy: JSON.stringify({ type: consumer.eventTypes }),
          },
        }),
      );
    }
    queues.set(consumer.queue, { name, url: queue.url, arn: queue.arn, dlqUrl: dlq.url, dlqArn: dlq.arn, consumer });
  }

  const buckets: LocalResources['buckets'] = new Map();
  for (const decl of topologies.flatMap((t) => t.buckets)) {
    const name = physicalName(prefix, decl.name);
    try {
      await clients.s3.send(new HeadBucketCommand({ Bucket: name }));
    } catch {
      await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
    }
    buckets.set(decl.name, name);
  }

  return { prefix, tables, topicArn, queues, buckets };
}
