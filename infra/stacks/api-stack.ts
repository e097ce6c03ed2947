/**
 * The HTTP API: one route per non-dev route of the topology, each behind the authorizer its `auth` names —
 * a JWT authorizer per issuer (citizens: national e-identity; officials: the province's identity
 * provider), a Lambda authorizer for routes open to both, none for public reads and signed webhooks. Each
 * route has its own throttle, by who calls it (province config `throttles`), so a burst of one kind of caller
 * cannot take the others' share; access logs and the API's 5xx and latency alarms are here too.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as authorizers from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS, CORS_MAX_AGE_SECONDS } from '#platform/cors.ts';
import type { ProvinceConfig } from '#platform/province.ts';
import type { RouteAuth, RouteDecl } from '#topology/types.ts';
import { resourceName } from '../naming.ts';
import type { AlarmBook } from './monitoring.ts';

export interface ApiStackProps extends StackProps {
  province: ProvinceConfig;
  routes: RouteDecl[];
  functions: Map<string, NodejsFunction>;
  anyUserAuthorizer: NodejsFunction;
  alarms: AlarmBook;
}

/** Which throttle class of the province config a route's callers fall in (shared routes count as citizens'). */
export const throttleClassOf = (auth: RouteAuth): 'public' | 'citizen' | 'official' | 'webhook' =>
  auth === 'user' ? 'citizen' : auth;

export const isDeployedRoute = (route: RouteDecl): boolean => !route.path.startsWith('/dev/');

export class ApiStack extends Stack {
  readonly api: apigw.HttpApi;
  /** The execute-api host name (the edge's origin). */
  readonly originDomain: string;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { province } = props;

    this.api = new apigw.HttpApi(this, 'HttpApi', {
      apiName: resourceName(province.id, 'api'),
      createDefaultStage: true,
      corsPreflight: {
        allowOrigins: [province.domains.portal],
        allowMethods: [apigw.CorsHttpMethod.ANY],
        allowHeaders: CORS_ALLOWED_HEADERS,
        exposeHeaders: CORS_EXPOSED_HEADERS,
        maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
      },
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: `/motcua/${province.id}/api-access`,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stage = this.api.defaultStage!.node.defaultChild as apigw.CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        requestTime: '$context.requestTime',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latency: '$context.responseLatency',
        integrationError: '$context.integrationErrorMessage',
        responseLength: '$context.responseLength',
        userAgent: '$context.identity.userAgent',
      }),
    };
    // Every route gets its class's throttle below; the default covers nothing else but stays bounded.
    const throttles = province.throttles;
    stage.defaultRouteSettings = {
      throttlingRateLimit: Math.max(...Object.values(throttles).map((t) => t.rate)),
      throttlingBurstLimit: Math.max(...Object.values(throttles).map((t) => t.burst)),
    };
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};

    const citizen = new authorizers.HttpJwtAuthorizer('CitizenJwt', province.identity.citizens.issuer, {
      jwtAudience: [province.identity.citizens.audience],
      authorizerName: 'citizens',
    });
    const official = new authorizers.HttpJwtAuthorizer('OfficialJwt', province.identity.officials.issuer, {
      jwtAudience: [province.identity.officials.audience],
      authorizerName: 'officials',
    });
    const anyUser = new authorizers.HttpLambdaAuthorizer('AnyUser', props.anyUserAuthorizer, {
      authorizerName: 'citizens-or-officials',
      responseTypes: [authorizers.HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: Duration.minutes(5),
    });
    const authorizerFor = (auth: RouteAuth): apigw.IHttpRouteAuthorizer | undefined =>
      auth === 'citizen' ? citizen : auth === 'official' ? official : auth === 'user' ? anyUser : undefined;

    const integrationsByFunction = new Map<string, integrations.HttpLambdaIntegration>();
    for (const route of props.routes.filter(isDeployedRoute)) {
      const fn = props.functions.get(route.function);
      if (!fn) throw new Error(`route ${route.id} names unknown function ${route.function}`);
      let integration = integrationsByFunction.get(route.function);
      if (!integration) {
        integration = new integrations.HttpLambdaIntegration(`${route.function}-integration`, fn);
        integrationsByFunction.set(route.function, integration);
      }
      const authorizer = authorizerFor(route.auth);
      const throttle = throttles[throttleClassOf(route.auth)];
      routeSettings[`${route.method} ${route.path}`] = {
        ThrottlingRateLimit: throttle.rate,
        ThrottlingBurstLimit: throttle.burst,
      };
      const httpRoute = new apigw.HttpRoute(this, route.id, {
        httpApi: this.api,
        routeKey: apigw.HttpRouteKey.with(route.path, apigw.HttpMethod[route.method]),
        integration,
        ...(authorizer ? { authorizer } : {}),
      });
      // Route settings name route keys: the stage must be updated after the routes exist.
      stage.node.addDependency(httpRoute);
    }
    stage.routeSettings = routeSettings;
    this.originDomain = `${this.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`;

    const apiMetric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: this.api.apiId, Stage: '$default' },
        period: Duration.minutes(5),
        statistic,
      });
    props.alarms.add(this, 'Api5xxAlarm', {
      name: 'api-5xx',
      what: 'More than 1% of API requests were answered with a 5xx in 5 minutes (at least 10 of them).',
      runbook: 'The API answers 5xx',
      metric: new cloudwatch.MathExpression({
        expression: 'IF(errors >= 10, 100 * errors / requests, 0)',
        usingMetrics: { errors: apiMetric('5xx', 'Sum'), requests: apiMetric('Count', 'Sum') },
        period: Duration.minutes(5),
        label: '5xx (%)',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
    props.alarms.add(this, 'ApiLatencyAlarm', {
      name: 'api-latency-p99',
      what: `The API's p99 latency stayed above ${province.alarms.apiLatencyP99Ms} ms for 15 minutes.`,
      runbook: 'The API is slow',
      metric: apiMetric('Latency', 'p99'),
      threshold: province.alarms.apiLatencyP99Ms,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Only routes declared public (catalog reads, health, API docs, public status lookup, result verification) or webhook (payment gateways, authenticated by their signature) have no authorizer; the topology test lists them.',
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
  }
}
