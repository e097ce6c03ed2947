/**
 * What every context shares: the event bus (one SNS topic; consumers subscribe with filter policies), the
 * operators' alarm topic (with its own key, which CloudWatch may use, so alarms can publish), the access-log
 * bucket, and the key that signs electronic results.
 */
import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { ProvinceConfig } from '#platform/province.ts';
import { resourceName } from '../naming.ts';

export interface FoundationStackProps extends StackProps {
  province: ProvinceConfig;
  /** The environment's result-signing generation and the earlier keys still trusted (the province config). */
  resultSigning: ResultSigningConfig;
}

export type ResultSigningConfig = ProvinceConfig['aws']['environments']['prod']['resultSigning'];

/**
 * The construct id of a generation's signing key. Generation 1 keeps the id the key always had; each later one
 * is a new resource, so raising the generation creates a key and the old one leaves the template (retained).
 */
export const resultSigningKeyId = (generation: number): string =>
  generation === 1 ? 'ResultSigningKey' : `ResultSigningKeyGen${generation}`;

export class FoundationStack extends Stack {
  readonly eventsTopic: sns.Topic;
  readonly alarmTopic: sns.Topic;
  readonly alarmKey: kms.Key;
  readonly accessLogBucket: s3.Bucket;
  /** The key that signs new results (the config's current generation); `alias/motcua-<id>-result-signing`. */
  readonly resultSigningKey: kms.Key;
  /** Keys whose signatures the verifier accepts: the current one and the config's previous ones. */
  readonly resultVerificationKeyArns: string[];
  readonly busKey: kms.Key;

  constructor(scope: Construct, id: string, props: FoundationStackProps) {
    super(scope, id, props);
    const { province } = props;

    // A customer-managed key: SQS queues subscribed to an encrypted topic need kms:Decrypt on it, which
    // the AWS-managed SNS key cannot grant to the SNS service principal.
    this.busKey = new kms.Key(this, 'BusKey', {
      alias: `alias/${resourceName(province.id, 'bus')}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      description: 'Encrypts the event bus topic and queues of motcua',
    });

    this.eventsTopic = new sns.Topic(this, 'Events', {
      topicName: resourceName(province.id, 'events'),
      masterKey: this.busKey,
      enforceSSL: true,
    });

    // CloudWatch publishes alarm notifications as the cloudwatch.amazonaws.com service: it needs a key policy
    // that lets it encrypt for the topic, and a topic policy that lets it publish, both scoped to this account.
    this.alarmKey = new kms.Key(this, 'AlarmKey', {
      alias: `alias/${resourceName(province.id, 'alarms')}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      description: 'Encrypts the operators alarm topic of motcua; CloudWatch may use it to publish alarms',
    });
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': this.account } };
    this.alarmKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromThisAccount,
      }),
    );
    this.alarmTopic = new sns.Topic(this, 'Alarms', {
      topicName: resourceName(province.id, 'alarms'),
      masterKey: this.alarmKey,
      enforceSSL: true,
    });
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          ...fromThisAccount,
          ArnLike: { 'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*` },
        },
      }),
    );
    for (const email of province.alarms.emails) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }

    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      bucketName: resourceName(province.id, `access-logs-${this.account}`),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(province.retention.logsDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it to itself would loop.',
    });

    // Asymmetric (ECC) signing key for electronic results: the private key never leaves KMS, and anyone
    // can verify with the public key. AWS does not rotate asymmetric keys; a new key is issued instead: a new
    // generation in the config is a new key resource, and the alias (its own resource, so it is updated in
    // place rather than created twice under one name) moves to it. A key leaving the template is retained,
    // enabled: results it signed still name it.
    const { generation, previousKeyArns } = props.resultSigning;
    this.resultSigningKey = new kms.Key(this, resultSigningKeyId(generation), {
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
      description: `Signs electronic results of motcua (generation ${generation})`,
    });
    Validations.of(this.resultSigningKey).acknowledge({
      id: 'AwsSolutions-KMS5',
      reason: 'Asymmetric KMS keys cannot be rotated automatically; a new generation is issued (docs/operations.md).',
    });
    new kms.Alias(this, 'ResultSigningAlias', {
      aliasName: `alias/${resourceName(province.id, 'result-signing')}`,
      targetKey: this.resultSigningKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.resultVerificationKeyArns = [this.resultSigningKey.keyArn, ...previousKeyArns];
  }
}
