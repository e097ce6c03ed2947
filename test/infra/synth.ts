/**
 * One synthesized app per province per test process: synthesis with cdk-nag takes seconds per province, and
 * every assertion reads the same templates. Bundling is skipped (the function-start test bundles each entry
 * with the deployed esbuild options, infra/bundling.ts); the templates are otherwise identical.
 */
import { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { loadProvinceConfig, type ProvinceConfig } from '#platform/province.ts';
import { type BuiltApp, buildApp } from '../../infra/build-app.ts';

export const PROVINCES = ['dong-nai', 'lai-chau'] as const;

export interface Synthesized {
  province: ProvinceConfig;
  built: BuiltApp;
  assembly: CloudAssembly;
}

const cache = new Map<string, Synthesized>();

export function synthesized(provinceId: string): Synthesized {
  let found = cache.get(provinceId);
  if (!found) {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:defaultCrossStackReferences': 'strong' },
    });
    const province = loadProvinceConfig(provinceId);
    const built = buildApp(app, province);
    // App.synth() throws "Validation failed" when cdk-nag reports a finding nobody acknowledged with a reason.
    found = { province, built, assembly: app.synth() };
    cache.set(provinceId, found);
  }
  return found;
}
