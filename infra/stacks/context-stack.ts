/**
 * One stack per bounded context, built from its topology declaration: its table (point-in-time recovery,
 * deletion protection, stream for the outbox), buckets, functions with least-privilege grants, one queue
 * per consumer with a DLQ and an alarm, the subscriptions to the event bus, the outbox publisher and the
 * schedules. Routes are attached in the API stack.
 */
import { Duration, Fn, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { bucketEnvName, EVENTS_TOPIC_ENV, RESULT_VERIFICATION_KEYS_ENV, tableEnvName } from '#platform/env.ts';
import type { ProvinceConfig } from '#platform/province.ts';
import type { ConsumerDecl, ContextTopology, FunctionDecl, TableDecl } from '#topology/types.ts';
import { acknowledgeStandardFindings } from '../nag.ts';
import { resourceName } from '../naming.ts';
import type { FoundationStack } from './foundation-stack.ts';
import { createFunction } from './lambda.ts';
import { type AlarmBook, dlqDepthAlarm, functionAlarms, queueAgeAlarm } from './monitoring.ts';

/**
 * Functions declare the secrets they need by logical name (`vnpay`, `momo`, `zalo`, `national-portal`, …);
 * the province config names the Secrets Manager secret of the integrations it configures (none for one it
 * does not use: the function gets neither the name nor a grant), any other is `motcua/<province>/<logical>`.
 * The function gets `<LOGICAL>_SECRET_NAME`.
 */
export function provinceSecretName(province: ProvinceConfig, logical: string): string | undefined {
  switch (logical) {
    case 'vnpay':
      return province.gateways.vnpay?.enabled ? province.gateways.vnpay.secretName : undefined;
    case 'momo':
      return province.gateways.momo?.enabled ? province.gateways.momo.secretName : undefined;
    case 'paygov':
      return province.gateways.paygov?.enabled ? province.gateways.paygov.secretName : undefined;
    case 'zalo':
      return province.notifications.zalo.enabled ? province.notifications.zalo.secretName : undefined;
    case 'national-portal':
      return province.nationalPortal.secretName;
    case 'dvcqg-intake':
      // The key the national portal presents at the intake door (functions/portal/credential.ts).
      return `motcua/${province.id}/dvcqg-intake`;
    default:
      // A secret the province config does not name has the conventional name its function also defaults to.
      return `motcua/${province.id}/${logical}`;
  }
}

/** HTTP functions that serve only local /dev/ routes are not deployed. */
export function isDevOnlyFunction(topology: ContextTopology, name: string): boolean {
  const routes = topology.routes.filter((r) => r.function === name);
  return routes.length > 0 && routes.every((r) => r.path.startsWith('/dev/'));
}

/**
 * Whether a province deploys a function: not one serving only /dev/ routes, nor one for a notification channel
 * its config does not enable (its consumers and schedules go with it).
 */
export function isDeployedFunction(topology: ContextTopology, decl: FunctionDecl, province: ProvinceConfig): boolean {
  if (isDevOnlyFunction(topology, decl.name)) return false;
  return decl.requiresChannel === undefined || province.notifications[decl.requiresChannel].enabled;
}

/** The SES configuration set every email of the province is sent with (bounces and complaints come back). */
export const emailConfigurationSetName = (province: ProvinceConfig): string => resourceName(province.id, 'email');

/** A secret's IAM resource: its name followed by the 6 characters Secrets Manager appends. */
const secretArnPattern = (stack: Stack, secretName: string): string =>
  `arn:${stack.partition}:secretsmanager:${stack.region}:${stack.account}:secret:${secretName}-??????`;

export interface ContextStackProps extends StackProps {
  province: ProvinceConfig;
  topology: ContextTopology;
  foundation: FoundationStack;
  /** Environment every function gets (issuers, province settings). */
  commonEnvironment: Record<string, string>;
  /** Where this stack's alarms are registered (and what they publish to). */
  alarms: AlarmBook;
  /** Tables of the environment pointed at another table than the stack's own (a restored one). */
  tableOverrides: TableOverrides;
}

export type TableOverrides = ProvinceConfig['aws']['environments']['prod']['tables'];

export class ContextStack extends Stack {
  readonly functions = new Map<string, NodejsFunction>();
  readonly tables = new Map<string, dynamodb.ITableV2>();
  readonly queues = new Map<string, { queue: sqs.Queue; dlq: sqs.Queue }>();
  readonly dlqs = new Map<string, sqs.Queue>();
  readonly alarms: AlarmBook;
  /** What every function of this context gets (province settings, its tables and buckets). */
  readonly functionEnvironment: Record<string, string>;

  constructor(scope: Construct, id: string, props: ContextStackProps) {
    super(scope, id, props);
    const { province, topology, foundation, alarms } = props;
    this.alarms = alarms;

    for (const decl of topology.tables) {
      const override = props.tableOverrides[decl.name as keyof TableOverrides];
      this.tables.set(decl.name, override ? this.#existingTable(decl, override) : this.#table(province, decl));
    }

    const buckets = new Map<string, s3.Bucket>();
    for (const decl of topology.buckets) {
      buckets.set(
        decl.name,
        new s3.Bucket(this, `${decl.name}-bucket`, {
          bucketName: resourceName(province.id, `${decl.name}-${this.account}`),
          versioned: true,
          encryption: s3.BucketEncryption.S3_MANAGED,
          enforceSSL: true,
          blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
          serverAccessLogsBucket: foundation.accessLogBucket,
          serverAccessLogsPrefix: `${decl.name}/`,
          removalPolicy: RemovalPolicy.RETAIN,
          cors: [
            {
              allowedMethods: [s3.HttpMethods.POST],
              allowedOrigins: [province.domains.portal],
              allowedHeaders: ['*'],
            },
          ],
          lifecycleRules: [
            {
              noncurrentVersionExpiration: Duration.days(decl.noncurrentVersionDays),
              abortIncompleteMultipartUploadAfter: Duration.days(1),
            },
            // Prefix rules also drop noncurrent versions, so a rejected upload does not linger as an old version.
            ...(decl.prefixExpiry ?? []).map((rule) => ({
              prefix: rule.prefix,
              expiration: Duration.days(rule.days),
              noncurrentVersionExpiration: Duration.days(rule.days),
            })),
            // Retention: what is kept is kept for the province's documents retention, then removed.
            { expiration: Duration.days(decl.expireAfterDays ?? province.retention.documentsDays) },
          ],
        }),
      );
    }

    for (const decl of topology.buckets.filter((b) => b.malwareScanPrefixes?.length)) {
      this.#malwareProtection(buckets.get(decl.name)!, decl.malwareScanPrefixes!);
    }

    const environment: Record<string, string> = { ...props.commonEnvironment };
    for (const [logical, table] of this.tables) environment[tableEnvName(logical)] = table.tableName;
    for (const [logical, bucket] of buckets) environment[bucketEnvName(logical)] = bucket.bucketName;
    this.functionEnvironment = environment;

    const deployed = topology.functions.filter((f) => isDeployedFunction(topology, f, province));
    const deployedNames = new Set(deployed.map((f) => f.name));
    const sesFeedback = topology.consumers.filter((c) => c.sesFeedback && deployedNames.has(c.function));
    const emailConfigurationSet = sesFeedback.length > 0 ? this.#emailConfigurationSet(province) : undefined;

    for (const decl of deployed) {
      const fn = createFunction(this, decl, province, {
        ...environment,
        ...(decl.permissions?.includes('events:publish')
          ? { [EVENTS_TOPIC_ENV]: foundation.eventsTopic.topicArn }
          : {}),
        ...(decl.permissions?.includes('kms:sign')
          ? { RESULT_SIGNING_KEY_ID: foundation.resultSigningKey.keyArn }
          : {}),
        ...(decl.permissions?.includes('kms:verify')
          ? { [RESULT_VERIFICATION_KEYS_ENV]: Fn.join(',', foundation.resultVerificationKeyArns) }
          : {}),
        ...(decl.permissions?.includes('ses:send') && emailConfigurationSet
          ? { NOTIFICATIONS_SES_CONFIGURATION_SET: emailConfigurationSetName(province) }
          : {}),
      });
      this.functions.set(decl.name, fn);
      // SES refuses a send naming a configuration set that does not exist yet.
      if (decl.permissions?.includes('ses:send') && emailConfigurationSet) fn.node.addDependency(emailConfigurationSet);
      functionAlarms(this, alarms, decl, fn);
      for (const grant of decl.tables ?? []) {
        const table = this.tables.get(grant.table);
        if (!table)
          throw new Error(`${decl.name} uses table ${grant.table}, which ${topology.context} does not declare`);
        if (grant.access === 'read') table.grantReadData(fn);
        else table.grantReadWriteData(fn);
      }
      for (const grant of decl.buckets ?? []) {
        const bucket = buckets.get(grant.bucket);
        if (!bucket)
          throw new Error(`${decl.name} uses bucket ${grant.bucket}, which ${topology.context} does not declare`);
        if (grant.access === 'read') bucket.grantRead(fn);
        else bucket.grantReadWrite(fn);
      }
      for (const logical of decl.secrets ?? []) {
        const secretName = provinceSecretName(province, logical);
        if (!secretName) continue; // the province does not use this integration
        secretsmanager.Secret.fromSecretNameV2(this, `${decl.name}-${logical}-secret`, secretName).grantRead(fn);
        fn.addEnvironment(`${logical.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_SECRET_NAME`, secretName);
        if (decl.permissions?.includes('secrets:write')) {
          fn.addToRolePolicy(
            new iam.PolicyStatement({
              actions: ['secretsmanager:PutSecretValue'],
              resources: [secretArnPattern(this, secretName)],
            }),
          );
        }
      }
      if (decl.permissions?.includes('events:publish')) foundation.eventsTopic.grantPublish(fn);
      // Only the current key signs; the verifier may read every key whose signatures are still accepted.
      if (decl.permissions?.includes('kms:sign')) foundation.resultSigningKey.grant(fn, 'kms:Sign', 'kms:GetPublicKey');
      if (decl.permissions?.includes('kms:verify')) {
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['kms:Verify', 'kms:GetPublicKey'],
            resources: foundation.resultVerificationKeyArns,
          }),
        );
      }
      if (decl.permissions?.includes('ses:send')) {
        // Sending with a configuration set is authorized on the set as well as on the identity.
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['ses:SendEmail'],
            resources: [
              `arn:aws:ses:${this.region}:${this.account}:identity/*`,
              ...(emailConfigurationSet
                ? [
                    `arn:aws:ses:${this.region}:${this.account}:configuration-set/${emailConfigurationSetName(province)}`,
                  ]
                : []),
            ],
            conditions: { StringEquals: { 'ses:FromAddress': province.notifications.email.from } },
          }),
        );
      }
      if (decl.permissions?.includes('sns:sms')) {
        // Publishing SMS directly to phone numbers has no resource ARN to scope to.
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], notResources: ['arn:aws:sns:*:*:*'] }));
      }
    }

    // The outbox: each table with an outbox streams new items to its publisher.
    for (const decl of topology.tables.filter((t) => t.outbox)) {
      const publisher = this.functions.get(`${decl.name}-outbox-publisher`);
      if (!publisher) throw new Error(`table ${decl.name} has an outbox but no publisher function`);
      const failures = this.#dlq(province, `${decl.name}-outbox-dlq`, alarms);
      publisher.addEventSource(
        new sources.DynamoEventSource(this.tables.get(decl.name)!, {
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize: 100,
          bisectBatchOnError: true,
          retryAttempts: 10,
          reportBatchItemFailures: true,
          onFailure: new sources.SqsDlq(failures),
          filters: [
            lambda.FilterCriteria.filter({
              eventName: lambda.FilterRule.isEqual('INSERT'),
              dynamodb: { Keys: { pk: { S: lambda.FilterRule.beginsWith('OUTBOX#') } } },
            }),
          ],
        }),
      );
    }

    for (const consumer of topology.consumers) {
      if (!topology.functions.some((f) => f.name === consumer.function))
        throw new Error(`consumer ${consumer.queue} names unknown function ${consumer.function}`);
      const fn = this.functions.get(consumer.function);
      if (!fn) continue; // a channel this province does not enable
      const dlq = this.#dlq(province, `${consumer.queue}-dlq`, alarms);
      const fromAws = consumer.awsEventSource;
      const queue = new sqs.Queue(this, consumer.queue, {
        queueName: resourceName(province.id, consumer.queue),
        visibilityTimeout: Duration.seconds(consumer.visibilityTimeoutSeconds),
        // EventBridge and the SES feedback topic deliver to SSE-SQS queues without a key grant; bus queues use
        // the bus key.
        ...(fromAws || consumer.sesFeedback
          ? { encryption: sqs.QueueEncryption.SQS_MANAGED }
          : { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: foundation.busKey }),
        enforceSSL: true,
        deadLetterQueue: { queue: dlq, maxReceiveCount: consumer.maxReceiveCount },
      });
      if (fromAws) {
        const bucket = fromAws.bucket ? buckets.get(fromAws.bucket) : undefined;
        new events.Rule(this, `${consumer.queue}-rule`, {
          ruleName: resourceName(province.id, consumer.queue),
          description: `${fromAws.detailType} → ${consumer.queue}`,
          eventPattern: {
            source: [fromAws.source],
            detailType: [fromAws.detailType],
            ...(bucket ? { detail: { s3ObjectDetails: { bucketName: [bucket.bucketName] } } } : {}),
          },
          targets: [new eventTargets.SqsQueue(queue, { deadLetterQueue: dlq })],
        });
      } else if (consumer.sesFeedback) {
        this.#sesFeedbackTo(province, emailConfigurationSet!, consumer, queue, dlq);
      } else {
        foundation.eventsTopic.addSubscription(
          new snsSubscriptions.SqsSubscription(queue, {
            rawMessageDelivery: true,
            // What SNS cannot deliver to the queue lands in the consumer's own DLQ, in the same raw form.
            deadLetterQueue: dlq,
            filterPolicy: { type: sns.SubscriptionFilter.stringFilter({ allowlist: consumer.eventTypes }) },
          }),
        );
      }
      fn.addEventSource(
        new sources.SqsEventSource(queue, {
          batchSize: consumer.batchSize,
          maxBatchingWindow: Duration.seconds(consumer.maxBatchingWindowSeconds),
          reportBatchItemFailures: true,
          maxConcurrency:
            province.consumerConcurrency.consumers[consumer.queue] ?? province.consumerConcurrency.default,
        }),
      );
      queueAgeAlarm(this, alarms, consumer.queue, queue);
      this.queues.set(consumer.queue, { queue, dlq });
    }

    for (const schedule of topology.schedules) {
      if (!topology.functions.some((f) => f.name === schedule.function))
        throw new Error(`schedule ${schedule.name} names unknown function ${schedule.function}`);
      const fn = this.functions.get(schedule.function);
      if (!fn) continue; // a channel this province does not enable
      new events.Rule(this, `${schedule.name}-schedule`, {
        ruleName: resourceName(province.id, schedule.name),
        description: schedule.description,
        schedule: events.Schedule.rate(Duration.minutes(schedule.rateMinutes)),
        targets: [new eventTargets.LambdaFunction(fn, { retryAttempts: 2 })],
      });
    }

    acknowledgeStandardFindings(this);
  }

  /**
   * The province's SES configuration set: the addresses that bounce or complain are suppressed (SES refuses to
   * send to them again; each such send comes back as a bounce), and reputation metrics are kept.
   */
  #emailConfigurationSet(province: ProvinceConfig): ses.ConfigurationSet {
    return new ses.ConfigurationSet(this, 'EmailConfigurationSet', {
      configurationSetName: emailConfigurationSetName(province),
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
    });
  }

  /**
   * SES's bounce and complaint events → a topic of their own (encrypted with a key SES may use, which the bus key
   * does not admit) → the consumer's queue, raw (the SES notification JSON), what cannot be delivered in its DLQ.
   */
  #sesFeedbackTo(
    province: ProvinceConfig,
    configurationSet: ses.ConfigurationSet,
    consumer: ConsumerDecl,
    queue: sqs.Queue,
    dlq: sqs.Queue,
  ): void {
    const key = new kms.Key(this, `${consumer.queue}-key`, {
      alias: `alias/${resourceName(province.id, consumer.queue)}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      description: 'Encrypts the SES bounce and complaint topic of motcua; SES may use it to publish',
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SesPublishesFeedback',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const topic = new sns.Topic(this, `${consumer.queue}-topic`, {
      topicName: resourceName(province.id, consumer.queue),
      masterKey: key,
      enforceSSL: true,
    });
    // The event destination also gives SES sns:Publish on the topic, for this configuration set only.
    new ses.ConfigurationSetEventDestination(this, `${consumer.queue}-destination`, {
      configurationSet,
      configurationSetEventDestinationName: consumer.queue,
      destination: ses.EventDestination.snsTopic(topic),
      events: consumer.sesFeedback!.events.map((e) =>
        e === 'bounce' ? ses.EmailSendingEvent.BOUNCE : ses.EmailSendingEvent.COMPLAINT,
      ),
    });
    topic.addSubscription(
      new snsSubscriptions.SqsSubscription(queue, { rawMessageDelivery: true, deadLetterQueue: dlq }),
    );
  }

  /**
   * GuardDuty Malware Protection for S3 on a bucket's prefixes, with the service role its documentation
   * prescribes (manage its own EventBridge rule, read and tag the scanned objects). Results arrive as
   * "GuardDuty Malware Protection Object Scan Result" events (see the consumer's awsEventSource).
   */
  #malwareProtection(bucket: s3.Bucket, prefixes: string[]): void {
    const role = new iam.Role(this, `${bucket.node.id}-malware-scan-role`, {
      assumedBy: new iam.ServicePrincipal('malware-protection-plan.guardduty.amazonaws.com'),
      description: 'Lets GuardDuty Malware Protection for S3 scan and tag uploads',
    });
    const managedRule = `arn:aws:events:${this.region}:${this.account}:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*`;
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets'],
        resources: [managedRule],
        conditions: { StringLike: { 'events:ManagedBy': 'malware-protection-plan.guardduty.amazonaws.com' } },
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['events:DescribeRule', 'events:ListTargetsByRule'],
        resources: [managedRule],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutBucketNotification', 's3:GetBucketNotification', 's3:ListBucket'],
        resources: [bucket.bucketArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          's3:GetObject',
          's3:GetObjectVersion',
          's3:GetObjectTagging',
          's3:GetObjectVersionTagging',
          's3:PutObjectTagging',
          's3:PutObjectVersionTagging',
        ],
        resources: prefixes.map((p) => bucket.arnForObjects(`${p}*`)),
      }),
    );
    const plan = new guardduty.CfnMalwareProtectionPlan(this, `${bucket.node.id}-malware-protection`, {
      role: role.roleArn,
      protectedResource: { s3Bucket: { bucketName: bucket.bucketName, objectPrefixes: prefixes } },
      actions: { tagging: { status: 'ENABLED' } },
    });
    // The plan validates the role when it is created; the policy must exist by then.
    plan.node.addDependency(role);
  }

  /**
   * A table the stack does not create (a restored one, docs/operations.md): its functions, grants and outbox
   * mapping use it under the same construct id, so the stack's own table leaves the template (retained, with its
   * data) and nothing else changes. Its settings (stream, TTL, PITR, deletion protection) are the operator's.
   */
  #existingTable(decl: TableDecl, override: NonNullable<TableOverrides[keyof TableOverrides]>): dynamodb.ITableV2 {
    if (decl.outbox && override.streamArn === undefined) {
      throw new Error(
        `tables.${decl.name}.streamArn is required: the ${decl.name} table has an outbox, whose publisher reads its stream`,
      );
    }
    return dynamodb.TableV2.fromTableAttributes(this, `${decl.name}-table`, {
      tableName: override.tableName,
      ...(override.streamArn ? { tableStreamArn: override.streamArn } : {}),
      globalIndexes: decl.indexes.map((i) => i.name),
    });
  }

  #table(province: ProvinceConfig, decl: TableDecl): dynamodb.TableV2 {
    return new dynamodb.TableV2(this, `${decl.name}-table`, {
      tableName: resourceName(province.id, decl.name),
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      ...(decl.ttlAttribute ? { timeToLiveAttribute: decl.ttlAttribute } : {}),
      ...(decl.outbox ? { dynamoStream: dynamodb.StreamViewType.NEW_IMAGE } : {}),
      globalSecondaryIndexes: decl.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        ...(index.sortKey ? { sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING } } : {}),
        ...(index.projects
          ? { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.projects] }
          : { projectionType: dynamodb.ProjectionType.ALL }),
      })),
    });
  }

  #dlq(province: ProvinceConfig, name: string, alarms: AlarmBook): sqs.Queue {
    const dlq = new sqs.Queue(this, name, {
      queueName: resourceName(province.id, name),
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(dlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is a dead-letter queue; it is alarmed and redriven by operators (docs/operations.md).',
    });
    dlqDepthAlarm(this, alarms, name, dlq);
    this.dlqs.set(name, dlq);
    return dlq;
  }
}
