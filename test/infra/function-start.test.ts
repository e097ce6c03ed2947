/**
 * Every function a province deploys starts: its bundle, built with the options CDK deploys it with
 * (infra/bundling.ts), is imported with the environment the synthesized template gives it (references to
 * tables, buckets, topics and keys resolved to their deployed names), its AWS clients pointed at the run's
 * emulators, and invoked once with an input that needs nothing from a data store:
 * - consumers and outbox publishers: an empty batch (answers no failures);
 * - HTTP functions: a request with no caller to one of their routes that needs one (answers, below 500);
 *   functions with only public or webhook routes read data on every request, so they are imported only;
 * - the any-user authorizer: a request with no token (denies);
 * - schedules and the reference-data loader: imported only (a run does the real work, covered elsewhere).
 * A function that reads its configuration, a secret or a missing optional gateway at start fails here.
 *
 * All bundles come from one esbuild call (shared parsing keeps it to seconds); each province imports its own
 * copy of a bundle (a query string on the URL), so module-level state read from the environment is fresh.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { allTopologies } from '#topology/index.ts';
import type { FunctionDecl, RouteDecl } from '#topology/types.ts';
import { ESBUILD_OPTIONS } from '../../infra/bundling.ts';
import { REFERENCE_DATA_FUNCTION } from '../../infra/stacks/reference-data.ts';
import { PROVINCES, synthesized } from './synth.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, read field by field.
type Cfn = any;

const DECLS = new Map<string, FunctionDecl>(
  [...allTopologies().flatMap((t) => t.functions), REFERENCE_DATA_FUNCTION].map((f) => [f.name, f]),
);
const ROUTES = allTopologies().flatMap((t) => t.routes);

interface Deployed {
  name: string;
  decl: FunctionDecl;
  environment: Record<string, string>;
}

/** The deployed name of what a reference in an environment variable points to. */
function resolve(value: Cfn, resources: Record<string, Cfn>, account: string, region: string): string {
  if (typeof value === 'string') return value;
  if (value.Ref) {
    const target = resources[value.Ref];
    if (!target) throw new Error(`unresolvable reference ${value.Ref}`);
    const p = target.Properties ?? {};
    const named = p.TableName ?? p.QueueName ?? p.TopicName;
    if (typeof named === 'string') return named;
    // Buckets and keys are named by CloudFormation or by an account-qualified join.
    return `motcua-${value.Ref.toLowerCase()}-${account}`;
  }
  if (value['Fn::ImportValue']) {
    const exported = String(value['Fn::ImportValue']);
    if (/Events/.test(exported)) return `arn:aws:sns:${region}:${account}:motcua-events`;
    return `imported-${exported.replace(/[^A-Za-z0-9]/g, '').slice(-24)}`;
  }
  if (value['Fn::GetAtt']) return `arn:aws:${value['Fn::GetAtt'][0]}`;
  if (value['Fn::Join']) {
    const [sep, parts] = value['Fn::Join'];
    return (parts as Cfn[]).map((p) => (typeof p === 'string' ? p : resolve(p, resources, account, region))).join(sep);
  }
  throw new Error(`unresolvable value ${JSON.stringify(value)}`);
}

function deployedFunctions(provinceId: string): Deployed[] {
  const { built } = synthesized(provinceId);
  const prefix = `motcua-${provinceId}-`;
  const found: Deployed[] = [];
  for (const stack of [built.foundation, ...built.contexts, built.api, built.edge, built.monitoring]) {
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Cfn>;
    for (const r of Object.values(resources)) {
      if (r.Type !== 'AWS::Lambda::Function') continue;
      const fnName = r.Properties.FunctionName;
      // CDK's own custom-resource handlers (cross-region exports, the console upload) are not ours.
      if (typeof fnName !== 'string' || !fnName.startsWith(prefix)) continue;
      const name = fnName.slice(prefix.length);
      const decl = DECLS.get(name);
      if (!decl) throw new Error(`${fnName} is deployed but declared nowhere`);
      const variables = (r.Properties.Environment?.Variables ?? {}) as Record<string, Cfn>;
      const environment = Object.fromEntries(
        Object.entries(variables).map(([k, v]) => [k, resolve(v, resources, stack.account, stack.region)]),
      );
      found.push({ name, decl, environment });
    }
  }
  return found;
}

function httpEvent(route: RouteDecl): Cfn {
  const path = route.path.replace(/\{([^}+]+)\+?\}/g, 'x');
  const pathParameters = Object.fromEntries([...route.path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => [m[1], 'x']));
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters,
    requestContext: {
      requestId: 'function-start',
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      http: { method: route.method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  };
}

const CONTEXT = {
  functionName: 'function-start',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:000000000000:function:function-start',
  memoryLimitInMB: '256',
  awsRequestId: 'function-start',
  logGroupName: '/aws/lambda/function-start',
  logStreamName: 'function-start',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

let outDir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'motcua-function-start-'));
  const entries = new Map<string, string>();
  for (const provinceId of PROVINCES)
    for (const fn of deployedFunctions(provinceId)) entries.set(fn.decl.entry, fn.decl.entry);
  await build({
    entryPoints: [...entries.keys()].map((entry) => ({ in: entry, out: bundleName(entry) })),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    ...ESBUILD_OPTIONS,
    drop: [...ESBUILD_OPTIONS.drop],
    mainFields: [...ESBUILD_OPTIONS.mainFields],
    external: [...ESBUILD_OPTIONS.external],
    logLevel: 'silent',
  });
}, 300_000);

afterAll(() => {
  process.env = savedEnv;
  rmSync(outDir, { recursive: true, force: true });
});

function bundleName(entry: string): string {
  return entry.replace(/\.ts$/, '').replace(/[^A-Za-z0-9]+/g, '-');
}

describe.each(PROVINCES)('every deployed function of %s starts', (provinceId) => {
  test('with its deployed environment, against the emulators', async () => {
    const functions = deployedFunctions(provinceId);
    expect(functions.length).toBeGreaterThan(50);
    const failures: string[] = [];
    for (const fn of functions) {
      process.env = {
        ...savedEnv,
        ...fn.environment,
        AWS_REGION: 'ap-southeast-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_LAMBDA_FUNCTION_NAME: `motcua-${provinceId}-${fn.name}`,
        AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
        AWS_ENDPOINT_URL_SQS: inject('fauxqsEndpoint'),
        AWS_ENDPOINT_URL_SNS: inject('fauxqsEndpoint'),
        AWS_ENDPOINT_URL_S3: inject('fauxqsEndpoint'),
        // Services with no emulator here still never leave the machine.
        AWS_ENDPOINT_URL: inject('dynamoEndpoint'),
        S3_FORCE_PATH_STYLE: 'true',
        POWERTOOLS_DEV: 'false',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_TRACE_ENABLED: 'false',
        POWERTOOLS_METRICS_DISABLED: 'true',
      };
      try {
        const url = `${pathToFileURL(join(outDir, `${bundleName(fn.decl.entry)}.mjs`)).href}?province=${provinceId}`;
        const mod = (await import(url)) as { handler?: (event: unknown, context: unknown) => Promise<Cfn> };
        if (typeof mod.handler !== 'function') throw new Error('exports no handler');
        const outcome = await invoke(fn, mod.handler);
        if (outcome) failures.push(`${fn.name}: ${outcome}`);
      } catch (error) {
        failures.push(`${fn.name}: ${(error as Error).stack ?? String(error)}`);
      } finally {
        process.env = { ...savedEnv };
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});

/** Invokes once with an input that needs no data; returns what went wrong, if anything. */
async function invoke(
  fn: Deployed,
  handler: (event: unknown, context: unknown) => Promise<Cfn>,
): Promise<string | undefined> {
  switch (fn.decl.kind) {
    case 'consumer': {
      const answer = await handler({ Records: [] }, CONTEXT);
      return (answer?.batchItemFailures ?? []).length === 0 ? undefined : `an empty batch failed: ${answer}`;
    }
    case 'publisher': {
      const answer = await handler({ Records: [] }, CONTEXT);
      return (answer?.batchItemFailures ?? []).length === 0 ? undefined : `an empty batch failed: ${answer}`;
    }
    case 'authorizer': {
      const route = ROUTES.find((r) => r.auth === 'user')!;
      const answer = await handler({ ...httpEvent(route), type: 'REQUEST', identitySource: [] }, CONTEXT);
      return answer?.isAuthorized === false ? undefined : `authorized a request with no token: ${answer}`;
    }
    case 'http': {
      // A route that needs a caller answers one without a token before it touches data; a function with only
      // public or webhook routes reads its table or gateway secret on every request, so it is imported only.
      const route = ROUTES.find((r) => r.function === fn.name && r.auth !== 'public' && r.auth !== 'webhook');
      if (!route) return undefined;
      const answer = await handler(httpEvent(route), CONTEXT);
      const status = Number(answer?.statusCode);
      return status > 0 && status < 500
        ? undefined
        : `${route.method} ${route.path} answered ${status}: ${answer?.body}`;
    }
    default:
      return undefined;
  }
}
