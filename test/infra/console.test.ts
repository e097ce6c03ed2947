/**
 * The console's deployment (infra/stacks/console-stack.ts) on a distribution like the API's: a private,
 * encrypted, TLS-only bucket reached through origin access control, the `/console/*` behaviour with the strict
 * Content-Security-Policy, the build and its OIDC config deployed under console/, and cdk-nag AwsSolutions with
 * no unacknowledged finding. The whole province app includes it through build-app.ts (test/infra/cdk.test.ts).
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { expect, test } from 'vitest';
import { loadProvinceConfig } from '#platform/province.ts';
import { ConsoleSite } from '../../infra/stacks/console-stack.ts';

const province = loadProvinceConfig('dong-nai');

function synthesize() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'ConsoleUnderTest', { env: { account: '123456789012', region: 'us-east-1' } });
  const logBucket = new s3.Bucket(stack, 'Logs', {
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
  });
  Validations.of(logBucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'test log bucket' });
  const distribution = new cloudfront.Distribution(stack, 'Api', {
    defaultBehavior: { origin: new origins.HttpOrigin('example.execute-api.ap-southeast-1.amazonaws.com') },
    enableLogging: true,
    logBucket,
  });
  Validations.of(distribution).acknowledge(
    { id: 'AwsSolutions-CFR1', reason: 'test distribution' },
    { id: 'AwsSolutions-CFR2', reason: 'test distribution (the edge stack attaches the WAF web ACL)' },
    { id: 'AwsSolutions-CFR4', reason: 'test distribution (the edge stack names its certificate)' },
  );
  new ConsoleSite(stack, 'Console', { province, distribution, region: 'ap-southeast-1', logBucket });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // Throws "Validation failed" when cdk-nag reports a finding nobody acknowledged with a reason.
  app.synth();
  return Template.fromStack(stack);
}

const template = synthesize();

test('the console bucket is private, encrypted and TLS-only, read by CloudFront through origin access control', () => {
  template.hasResourceProperties('AWS::S3::Bucket', {
    BucketName: Match.stringLikeRegexp('console'),
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
    BucketEncryption: Match.objectLike({}),
  });
  template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
});

test('/console/* is served with a strict Content-Security-Policy and the security headers', () => {
  const policies = template.findResources('AWS::CloudFront::ResponseHeadersPolicy');
  const config = Object.values(policies)[0]!.Properties.ResponseHeadersPolicyConfig;
  const csp: string = config.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).toContain(new URL(province.identity.officials.issuer).origin);
  expect(config.SecurityHeadersConfig.FrameOptions.FrameOption).toBe('DENY');
  expect(config.SecurityHeadersConfig.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThan(31_000_000);

  const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]!;
  const behaviours = distribution.Properties.DistributionConfig.CacheBehaviors as {
    PathPattern: string;
    ResponseHeadersPolicyId?: unknown;
  }[];
  const consoleBehaviour = behaviours.find((b) => b.PathPattern === '/console/*');
  expect(consoleBehaviour?.ResponseHeadersPolicyId).toBeDefined();
});

test('the build and the OIDC config are deployed under console/ and the console paths invalidated', () => {
  template.hasResourceProperties('Custom::CDKBucketDeployment', {
    DestinationBucketKeyPrefix: 'console/',
    DistributionPaths: ['/console/*'],
  });
});
