/**
 * The officials' console on AWS: its static build in a private S3 bucket, served by the API's CloudFront
 * distribution under `/console/*` (origin access control; same domain as the API, so the console calls the API
 * same-origin and no CORS opening is needed), behind the same WAF web ACL, with a strict Content-Security-Policy
 * and the other security headers from packages/console/security-headers.ts (the local cloud sends the same).
 *
 * It is a construct of the edge stack (us-east-1), not a stack of its own: the bucket policy names the
 * distribution and the distribution names the bucket, which across two stacks would be a dependency cycle.
 * The bucket holds only the public build (no personal data), so living in us-east-1 is no residency concern.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DockerImage, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { ProvinceConfig } from '#platform/province.ts';
import { contentSecurityPolicy } from '../../packages/console/security-headers.ts';
import { resourceName } from '../naming.ts';

const CONSOLE_DIR = join(import.meta.dirname, '..', '..', 'packages', 'console');
export const CONSOLE_PATH = '/console';

export interface ConsoleSiteProps {
  province: ProvinceConfig;
  /** The API's distribution; the console becomes its `/console/*` behaviour. */
  distribution: cloudfront.Distribution;
  /** The region of the province's stacks: presigned uploads and previews go to its S3 endpoints. */
  region: string;
  logBucket: s3.IBucket;
}

/**
 * `/console/` → `/console/index.html` (the app; its routes live after the hash), `/console` → `/console/`.
 * CloudFront Functions run JavaScript 2.0 in the viewer-request phase, before the cache.
 */
const INDEX_REWRITE = `function handler(event) {
  var request = event.request;
  if (request.uri === '${CONSOLE_PATH}') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '${CONSOLE_PATH}/' } } };
  }
  if (request.uri.endsWith('/')) request.uri += 'index.html';
  return request;
}`;

export class ConsoleSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly headers: cloudfront.ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const { province } = props;
    const account = Stack.of(this).account;

    this.bucket = new s3.Bucket(this, 'Assets', {
      bucketName: resourceName(province.id, `console-${account}`),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: props.logBucket,
      serverAccessLogsPrefix: 'console-bucket/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const officials = province.identity.officials;
    this.headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      responseHeadersPolicyName: resourceName(province.id, 'console-headers'),
      comment: 'motcua console: strict CSP and security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          override: true,
          contentSecurityPolicy: contentSecurityPolicy({
            connect: [new URL(officials.issuer).origin, `https://*.s3.${props.region}.amazonaws.com`],
          }),
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(63_072_000),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
      },
    });

    const rewrite = new cloudfront.Function(this, 'IndexRewrite', {
      functionName: resourceName(province.id, 'console-index'),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(INDEX_REWRITE),
    });
    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    props.distribution.addBehavior(`${CONSOLE_PATH}/*`, origin, {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: this.headers,
      functionAssociations: [{ function: rewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
    });
    props.distribution.addBehavior(CONSOLE_PATH, origin, {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      functionAssociations: [{ function: rewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
    });

    // The build, made at synth by the locally installed Vite (no Docker), and the config it reads at start:
    // sign-in through the province's OpenID Connect provider, the API on the same origin.
    const build = s3deploy.Source.asset(CONSOLE_DIR, {
      exclude: ['dist', 'node_modules'],
      bundling: {
        image: DockerImage.fromRegistry('unused-local-bundling-only'),
        local: {
          tryBundle(outputDir: string) {
            execFileSync(
              process.execPath,
              [
                join(CONSOLE_DIR, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js'),
                'build',
                '--config',
                join(CONSOLE_DIR, 'vite.config.ts'),
                '--outDir',
                outputDir,
                '--emptyOutDir',
              ],
              { stdio: 'inherit' },
            );
            return true;
          },
        },
      },
    });
    const config = s3deploy.Source.jsonData('config.json', {
      apiUrl: '',
      province: { id: province.id, name: province.name },
      auth: {
        kind: 'oidc',
        issuer: officials.issuer,
        // The console is a public client of the officials' realm; its client id is the API audience.
        clientId: officials.audience,
        scope: 'openid profile offline_access',
      },
      local: false,
    });
    const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: [build, config],
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'console/',
      // Assets have content hashes in their names; index.html and config.json are re-read after five minutes
      // at most, and the deployment invalidates the console's paths at once.
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(Duration.minutes(5))],
      distribution: props.distribution,
      distributionPaths: [`${CONSOLE_PATH}/*`],
      memoryLimit: 512,
    });

    // The deployment's handler is one function per stack (CDK's singleton), outside this construct: the
    // acknowledgements go on it, one per finding, so any other wildcard still fails the nag check.
    const handlers = Stack.of(this)
      .node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))
      .concat([deployment.handlerRole]);
    for (const handler of handlers) {
      Validations.of(handler).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: 'AWSLambdaBasicExecutionRole only allows the deployment function to write its own logs.',
        },
        ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
          id: `AwsSolutions-IAM5[Action::${action}]`,
          reason: "CDK's BucketDeployment grants: read the build from the asset bucket, replace the console's files.",
        })),
        {
          id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
          reason: 'The objects of the console bucket, which the deployment replaces.',
        },
        {
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${account}-${Stack.of(this).region}/*]`,
          reason: "The CDK bootstrap asset bucket's objects: where the build is uploaded before it is copied.",
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: 'cloudfront:CreateInvalidation has no resource-level scoping in the policy CDK writes.',
        },
        { id: 'AwsSolutions-L1', reason: "The BucketDeployment handler's runtime is chosen by aws-cdk-lib." },
      );
    }
  }
}
