/** Bundles a handler with the options CDK deploys it with (infra/bundling.ts), for the cold-start benchmark. */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

import { ESBUILD_OPTIONS } from '../infra/bundling.ts';

export async function bundle(entry: string, outDir: string, name: string): Promise<{ file: string; bytes: number }> {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    outfile: file,
    ...ESBUILD_OPTIONS,
    drop: [...ESBUILD_OPTIONS.drop],
    mainFields: [...ESBUILD_OPTIONS.mainFields],
    external: [...ESBUILD_OPTIONS.external],
    logLevel: 'silent',
  });
  return { file, bytes: statSync(file).size };
}
