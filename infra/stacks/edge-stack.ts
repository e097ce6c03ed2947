/**
 * The edge, in us-east-1 (CloudFront takes its web ACLs and certificates from there only): an AWS WAF web ACL
 * and a CloudFront distribution in front of the HTTP API, under the environment's API domain with its
 * certificate, with standard access logs.
 *
 * Reusable for other origins (the console's bucket): `EdgeWebAcl` takes the rules that depend on the origin
 * (the IPN source ranges apply to the API only) and `edgeDistribution()` the origin and behaviours; a stack in
 * us-east-1 that builds another distribution calls both, or `EdgeStack.addDistribution()`.
 */
import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { ProvinceConfig } from '#platform/province.ts';
import type { RouteDecl } from '#topology/types.ts';
import { resourceName } from '../naming.ts';

/** AWS managed rule groups every web ACL of motcua applies, in order. */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

/**
 * Rules of the common rule set that would refuse what the API legitimately receives: catalog imports and
 * form data exceed its 8 KB body limit. They are counted, not enforced (the API validates bodies itself).
 */
const COUNTED_COMMON_RULES = ['SizeRestrictions_BODY'];

export interface IpnRestriction {
  /** The gateway, e.g. vnpay. */
  gateway: string;
  /** The IPN path, e.g. /payments/vnpay/ipn. */
  path: string;
  /** CIDR blocks the gateway calls from. */
  ranges: string[];
}

export interface EdgeWebAclProps {
  province: ProvinceConfig;
  name: string;
  /** IPN routes reachable only from their gateway's ranges (API only). */
  ipnRestrictions?: IpnRestriction[];
  /** Path prefixes of the payment gateways' routes (their own rate limit). */
  webhookPaths?: string[];
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

const pathStartsWith = (path: string): wafv2.CfnWebACL.StatementProperty => ({
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint: 'STARTS_WITH',
    searchString: path,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
});

const anyOf = (statements: wafv2.CfnWebACL.StatementProperty[]): wafv2.CfnWebACL.StatementProperty =>
  statements.length === 1 ? statements[0]! : { orStatement: { statements } };

const hasAuthorization: wafv2.CfnWebACL.StatementProperty = {
  sizeConstraintStatement: {
    fieldToMatch: { singleHeader: { Name: 'authorization' } },
    comparisonOperator: 'GT',
    size: 0,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
};

export class EdgeWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeWebAclProps) {
    super(scope, id);
    const { province } = props;
    const limits = province.edge.rateLimitsPer5Min;
    const rules: wafv2.CfnWebACL.RuleProperty[] = [];
    let priority = 0;

    for (const restriction of props.ipnRestrictions ?? []) {
      if (restriction.ranges.length === 0) continue;
      const ipSet = new wafv2.CfnIPSet(this, `${restriction.gateway}-ipn-sources`, {
        name: resourceName(province.id, `${restriction.gateway}-ipn-sources`),
        scope: 'CLOUDFRONT',
        ipAddressVersion: 'IPV4',
        addresses: restriction.ranges,
        description: `Addresses ${restriction.gateway} sends its IPN calls from, per the province config`,
      });
      rules.push({
        name: `${restriction.gateway}-ipn-from-gateway-only`,
        priority: priority++,
        action: { block: {} },
        statement: {
          andStatement: {
            statements: [
              pathStartsWith(restriction.path),
              { notStatement: { statement: { ipSetReferenceStatement: { arn: ipSet.attrArn } } } },
            ],
          },
        },
        visibilityConfig: visibility(`${restriction.gateway}-ipn-foreign-source`),
      });
    }

    for (const group of MANAGED_RULE_GROUPS) {
      rules.push({
        name: group,
        priority: priority++,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: group,
            ...(group === 'AWSManagedRulesCommonRuleSet'
              ? { ruleActionOverrides: COUNTED_COMMON_RULES.map((name) => ({ name, actionToUse: { count: {} } })) }
              : {}),
          },
        },
        visibilityConfig: visibility(group),
      });
    }

    const rateRule = (
      name: string,
      limit: number,
      scopeDown: wafv2.CfnWebACL.StatementProperty,
    ): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority: priority++,
      action: { block: {} },
      statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP', scopeDownStatement: scopeDown } },
      visibilityConfig: visibility(name),
    });
    const webhooks = props.webhookPaths ?? [];
    const notWebhook: wafv2.CfnWebACL.StatementProperty[] = webhooks.length
      ? [{ notStatement: { statement: anyOf(webhooks.map(pathStartsWith)) } }]
      : [];
    if (webhooks.length) rules.push(rateRule('rate-webhook', limits.webhook, anyOf(webhooks.map(pathStartsWith))));
    rules.push(
      rateRule(
        'rate-authenticated',
        limits.authenticated,
        notWebhook.length ? { andStatement: { statements: [hasAuthorization, ...notWebhook] } } : hasAuthorization,
      ),
    );
    const anonymous: wafv2.CfnWebACL.StatementProperty = { notStatement: { statement: hasAuthorization } };
    rules.push(
      rateRule(
        'rate-anonymous',
        limits.anonymous,
        notWebhook.length ? { andStatement: { statements: [anonymous, ...notWebhook] } } : anonymous,
      ),
    );

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: resourceName(province.id, props.name),
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(resourceName(province.id, props.name)),
      rules,
    });
  }
}

export interface EdgeDistributionProps {
  origin: cloudfront.IOrigin;
  webAcl: wafv2.CfnWebACL;
  domainName: string;
  certificateArn: string;
  logBucket: s3.IBucket;
  logPrefix: string;
  comment: string;
  /** An API: nothing cached, every method and viewer header passed on. Otherwise: static content, cached. */
  api: boolean;
}

export function edgeDistribution(scope: Construct, id: string, props: EdgeDistributionProps): cloudfront.Distribution {
  const distribution = new cloudfront.Distribution(scope, id, {
    comment: props.comment,
    domainNames: [props.domainName],
    certificate: acm.Certificate.fromCertificateArn(scope, `${id}-certificate`, props.certificateArn),
    minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
    webAclId: props.webAcl.attrArn,
    enableLogging: true,
    logBucket: props.logBucket,
    logFilePrefix: props.logPrefix,
    priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
    httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    defaultBehavior: props.api
      ? {
          origin: props.origin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          // API Gateway needs its own Host header; everything else (Authorization, query, body) goes through.
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        }
      : {
          origin: props.origin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        },
  });
  Validations.of(distribution).acknowledge({
    id: 'AwsSolutions-CFR1',
    reason: 'Citizens of the province may be abroad; access is limited by WAF rate rules, not by country.',
  });
  if (props.api) {
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason: 'The distribution names its own certificate with TLS 1.2 (2021) as the minimum viewer protocol.',
    });
  }
  return distribution;
}

export interface EdgeStackProps extends StackProps {
  province: ProvinceConfig;
  /** The environment's API domain and its certificate (us-east-1). */
  apiDomain: string;
  certificateArn: string;
  /** The HTTP API's execute-api host name (a cross-region reference: the API lives in the province region). */
  apiOriginDomain: string;
  routes: RouteDecl[];
}

/** Static prefix of a path template: `/payments/vnpay/ipn` stays, `/dossiers/{code}` gives `/dossiers/`. */
const staticPrefix = (path: string): string => path.split('{')[0]!;

export class EdgeStack extends Stack {
  readonly apiWebAcl: EdgeWebAcl;
  readonly apiDistribution: cloudfront.Distribution;
  readonly logBucket: s3.Bucket;
  readonly #province: ProvinceConfig;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { province } = props;
    this.#province = province;

    // CloudFront standard logs are written with ACLs, so this bucket keeps ACLs enabled for its owner.
    this.logBucket = new s3.Bucket(this, 'EdgeLogs', {
      bucketName: resourceName(province.id, `edge-logs-${this.account}`),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(province.retention.logsDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the CloudFront access logs; logging it to itself would loop.',
    });

    const webhookRoutes = props.routes.filter((r) => r.auth === 'webhook');
    const ipnRestrictions: IpnRestriction[] = [];
    for (const gateway of ['vnpay', 'momo'] as const) {
      const settings = province.gateways[gateway];
      if (!settings?.enabled) continue;
      const ipn = webhookRoutes.find((r) => r.path === `/payments/${gateway}/ipn`);
      if (ipn) ipnRestrictions.push({ gateway, path: ipn.path, ranges: settings.ipnSourceRanges });
    }
    // The national payment platform calls two paths (bill lookup, confirmation), both from its addresses only.
    const paygov = province.gateways.paygov;
    if (paygov?.enabled && webhookRoutes.some((r) => r.path.startsWith('/payments/paygov/'))) {
      ipnRestrictions.push({ gateway: 'paygov', path: '/payments/paygov/', ranges: paygov.ipnSourceRanges });
    }
    this.apiWebAcl = new EdgeWebAcl(this, 'ApiWebAcl', {
      province,
      name: 'api-edge',
      ipnRestrictions,
      webhookPaths: [...new Set(webhookRoutes.map((r) => staticPrefix(r.path)))],
    });
    this.apiDistribution = edgeDistribution(this, 'ApiDistribution', {
      origin: new origins.HttpOrigin(props.apiOriginDomain, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      }),
      webAcl: this.apiWebAcl.webAcl,
      domainName: props.apiDomain,
      certificateArn: props.certificateArn,
      logBucket: this.logBucket,
      logPrefix: 'api/',
      comment: `motcua ${province.id} API`,
      api: true,
    });
  }

  /** Another distribution behind a web ACL of this edge (e.g. the console's bucket). */
  addDistribution(
    id: string,
    props: Omit<EdgeDistributionProps, 'webAcl' | 'logBucket'> & { webAcl?: wafv2.CfnWebACL },
  ) {
    const webAcl = props.webAcl ?? new EdgeWebAcl(this, `${id}-web-acl`, { province: this.#province, name: id }).webAcl;
    return edgeDistribution(this, id, { ...props, webAcl, logBucket: this.logBucket, logPrefix: props.logPrefix });
  }
}
