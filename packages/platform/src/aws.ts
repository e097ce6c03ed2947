/**
 * AWS clients, created once per process (module scope) and reused across invocations.
 *
 * Locally the SDK's own service-specific endpoint variables (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SQS,
 * AWS_ENDPOINT_URL_SNS, AWS_ENDPOINT_URL_S3) point the very same code at DynamoDB Local and fauxqs; nothing
 * here branches on where it runs except S3 path-style addressing, which the emulator needs. On AWS their calls
 * are traced (X-Ray subsegments, observability.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsRetryStrategy, MAX_ATTEMPTS } from './aws-retry.ts';
import { traced } from './observability.ts';

let dynamo: DynamoDBDocumentClient | undefined;
let sns: SNSClient | undefined;
let sqs: SQSClient | undefined;
let s3: S3Client | undefined;

// Retries: aws-retry.ts (bounded per call, no client-wide quota).
const retryOptions = { maxAttempts: MAX_ATTEMPTS, retryStrategy: awsRetryStrategy };

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  dynamo ??= DynamoDBDocumentClient.from(traced(new DynamoDBClient(retryOptions)), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return dynamo;
}

export function snsClient(): SNSClient {
  sns ??= traced(new SNSClient(retryOptions));
  return sns;
}

export function sqsClient(): SQSClient {
  sqs ??= traced(new SQSClient(retryOptions));
  return sqs;
}

export function s3Client(): S3Client {
  s3 ??= traced(
    new S3Client({
      ...retryOptions,
      forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true',
    }),
  );
  return s3;
}

let s3Presign: S3Client | undefined;

/**
 * The client that signs URLs and POST policies handed to browsers. Locally they must name the local
 * gateway's S3 front (which enforces POST policies as S3 does; the emulator does not), so it may differ
 * from the client the functions use themselves.
 */
export function s3PresignClient(): S3Client {
  const publicEndpoint = process.env.S3_PUBLIC_ENDPOINT;
  if (!publicEndpoint) return s3Client();
  s3Presign ??= new S3Client({ ...retryOptions, forcePathStyle: true, endpoint: publicEndpoint });
  return s3Presign;
}

/** Tests and the local runtime swap clients when they point the process at fresh endpoints. */
export function resetAwsClients(): void {
  dynamo = undefined;
  sns = undefined;
  sqs = undefined;
  s3 = undefined;
  s3Presign = undefined;
}
