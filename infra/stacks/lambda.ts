/**
 * One Lambda function from its declaration: Node.js 24 on arm64, bundled by the locally installed esbuild
 * (no Docker) with the options in infra/bundling.ts (minified ESM, AWS SDK v3 bundled in, no source maps),
 * X-Ray tracing, and a log group with the province's retention.
 */
import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { ProvinceConfig } from '#platform/province.ts';
import { functionTimeoutSeconds } from '#topology/index.ts';
import type { FunctionDecl } from '#topology/types.ts';
import { BUNDLE_BANNER, ESBUILD_OPTIONS, EXTERNAL_MODULES } from '../bundling.ts';
import { resourceName } from '../naming.ts';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

const RETENTION_DAYS: Record<number, logs.RetentionDays> = {
  30: logs.RetentionDays.ONE_MONTH,
  90: logs.RetentionDays.THREE_MONTHS,
  180: logs.RetentionDays.SIX_MONTHS,
  365: logs.RetentionDays.ONE_YEAR,
  731: logs.RetentionDays.TWO_YEARS,
};

function retentionFor(days: number): logs.RetentionDays {
  const known = Object.keys(RETENTION_DAYS)
    .map(Number)
    .sort((a, b) => a - b);
  const pick = known.find((d) => d >= days) ?? 731;
  return RETENTION_DAYS[pick]!;
}

export interface CreateFunctionOptions {
  /** Files copied next to the bundle (read at run time from /var/task), relative to the repository root. */
  copyFiles?: { from: string; to: string }[];
}

const SLIP_FONTS = ['DejaVuSerif.ttf', 'DejaVuSerif-Bold.ttf', 'DejaVuSerif-Italic.ttf'];
const DOCS_ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png'];

export function createFunction(
  scope: Construct,
  decl: FunctionDecl,
  province: ProvinceConfig,
  environment: Record<string, string>,
  options: CreateFunctionOptions = {},
): NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${decl.name}-logs`, {
    logGroupName: `/aws/lambda/${resourceName(province.id, decl.name)}`,
    retention: retentionFor(province.retention.logsDays),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const copiesDocsAssets = decl.name === 'platform-docs';
  // The slips embed DejaVu Serif (Vietnamese diacritics); the TTFs ship beside the bundle (SLIP_FONT_DIR).
  const copiesSlipFonts = decl.name === 'dossiers-slips';
  const copies = [
    ...(copiesDocsAssets ? DOCS_ASSETS.map((f) => ({ from: `node_modules/swagger-ui-dist/${f}`, to: f })) : []),
    ...(copiesSlipFonts ? SLIP_FONTS.map((f) => ({ from: `node_modules/dejavu-fonts-ttf/ttf/${f}`, to: f })) : []),
    ...(options.copyFiles ?? []),
  ];
  return new NodejsFunction(scope, decl.name, {
    functionName: resourceName(province.id, decl.name),
    entry: join(REPO_ROOT, decl.entry),
    handler: 'handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: decl.memoryMb ?? 256,
    timeout: Duration.seconds(functionTimeoutSeconds(decl)),
    tracing: lambda.Tracing.ACTIVE,
    logGroup,
    projectRoot: REPO_ROOT,
    depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
    environment: {
      POWERTOOLS_SERVICE_NAME: decl.name,
      POWERTOOLS_METRICS_NAMESPACE: `motcua/${province.id}`,
      ...environment,
      ...decl.environment,
      ...(copiesDocsAssets ? { DOCS_ASSET_DIR: '/var/task' } : {}),
      ...(copiesSlipFonts ? { SLIP_FONT_DIR: '/var/task' } : {}),
    },
    bundling: {
      format: OutputFormat.ESM,
      minify: ESBUILD_OPTIONS.minify,
      sourceMap: ESBUILD_OPTIONS.sourcemap,
      target: ESBUILD_OPTIONS.target,
      mainFields: [...ESBUILD_OPTIONS.mainFields],
      // ESM output still meets CommonJS dependencies that call require(); give them one.
      banner: BUNDLE_BANNER,
      externalModules: EXTERNAL_MODULES,
      esbuildArgs: { '--tree-shaking': 'true', '--legal-comments': 'none', '--drop:debugger': true },
      ...(copies.length
        ? {
            commandHooks: {
              beforeBundling: () => [],
              beforeInstall: () => [],
              afterBundling: (inputDir: string, outputDir: string) =>
                copies.map(
                  ({ from, to }) =>
                    `mkdir -p "$(dirname ${outputDir}/${to})" && cp ${inputDir}/${from} ${outputDir}/${to}`,
                ),
            },
          }
        : {}),
    },
  });
}
