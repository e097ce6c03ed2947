/** Bundles a handler the way CDK does (infra/stacks/lambda.ts), for the cold-start benchmark. */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

export const BANNER = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

export async function bundle(entry: string, outDir: string, name: string): Promise<{ file: string; bytes: number }> {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    mainFields: ['module', 'main'],
    banner: { js: BANNER },
    external: ['@aws-sdk/client-xray'],
    logLevel: 'silent',
  });
  return { file, bytes: statSync(file).size };
}
