/**
 * `npm run synth -- -c province=dong-nai` / `npm run deploy -- -c province=dong-nai`.
 * Synth works offline: nothing here looks anything up in an AWS account.
 */
import { App } from 'aws-cdk-lib';
import { loadProvinceConfig } from '#platform/province.ts';
import { buildApp } from './build-app.ts';

const app = new App();
const provinceId = (app.node.tryGetContext('province') as string | undefined) ?? 'dong-nai';
buildApp(app, loadProvinceConfig(provinceId));
app.synth();
