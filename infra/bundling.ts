/**
 * How every function is bundled, in one place: CDK's NodejsFunction (infra/stacks/lambda.ts), the cold-start
 * benchmark (bench/bundle.ts) and the function-start test (test/infra/function-start.test.ts) use these
 * options, so what is measured and tested is what ships.
 *
 * - minified ESM for Node 24, with the AWS SDK v3 bundled in (module-first main fields: only what is imported
 *   ships, and tree-shaking drops the rest);
 * - no source maps: an inline map doubled each bundle (193 MB in all) and `--enable-source-maps` slows every
 *   stack trace; error classes carry explicit `name`s, and the exact source of a deployed commit is in git;
 * - the OpenAPI metadata (`.describe`/`.meta` registries are only read by packages/platform/src/openapi.ts, which
 *   no deployed function but the docs one imports) and zod's locales other than vi/en are not referenced by
 *   handlers, so tree-shaking drops them; `drop: ['debugger']` and `legalComments: 'none'` trim the rest.
 */
export const BUNDLE_BANNER =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

/** Modules the Lambda runtime never needs in a bundle. */
export const EXTERNAL_MODULES = ['@aws-sdk/client-xray'];

/** The esbuild options, in esbuild's own terms (bench and tests call esbuild with these). */
export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  treeShaking: true,
  sourcemap: false,
  legalComments: 'none',
  drop: ['debugger'],
  mainFields: ['module', 'main'],
  banner: { js: BUNDLE_BANNER },
  external: EXTERNAL_MODULES,
} as const;
