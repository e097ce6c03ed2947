/**
 * The HTTP API: one route per non-dev route of the topology, each behind the authorizer its `auth` names —
 * a JWT authorizer per issuer (citizens: national e-identity; officials: the province's identity
 * provider), a Lambda authorizer for routes open to both, none for public reads and signed webhooks.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as authorizers from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { ProvinceConfig } from '#platform/province.ts';
import type { RouteAuth, RouteDecl } from '#topology/types.ts';
import { resourceName } from '../naming.ts';

export interface ApiStackProps extends StackProps {
  province: ProvinceConfig;
  routes: RouteDecl[];
  functions: Map<string, NodejsFunction>;
  anyUserAuthorizer: NodejsFunction;
}

export const isDeployedRoute = (route: RouteDecl): boolean => !route.path.startsWith('/dev/');

export class ApiStack extends Stack {
  readonly api: apigw.HttpApi;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { province } = props;

    this.api = new apigw.HttpApi(this, 'HttpApi', {
      apiName: resourceName(province.id, 'api'),
      createDefaultStage: true,
      corsPreflight: {
        allowOrigins: [province.domains.portal],
        allowMethods: [apigw.CorsHttpMethod.ANY],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match', 'accept-language'],
        exposeHeaders: ['etag', 'location'],
        maxAge: Duration.minutes(10),
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
      }),
    };
    stage.defaultRouteSettings = { throttlingBurstLimit: 500, throttlingRateLimit: 200 };

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
      new apigw.HttpRoute(this, route.id, {
        httpApi: this.api,
        routeKey: apigw.HttpRouteKey.with(route.path, apigw.HttpMethod[route.method]),
        integration,
        ...(authorizer ? { authorizer } : {}),
      });
    }
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Only routes declared public (catalog reads, health, API docs, public status lookup, result verification) or webhook (payment gateways, authenticated by their signature) have no authorizer; the topology test lists them.',
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
  }
}
