/**
 * `npm run synth -- -c province=dong-nai -c env=staging` / `npm run deploy -- -c province=dong-nai -c env=prod`.
 * `env` is dev, staging or prod (default prod); each is an account and region in the province config.
 * Synth works offline: nothing here looks anything up in an AWS account.
 */
import { App } from 'aws-cdk-lib';
import { type DeploymentEnvironment, loadProvinceConfig } from '#platform/province.ts';
import { buildApp } from './build-app.ts';

const app = new App();
const provinceId = (app.node.tryGetContext('province') as string | undefined) ?? 'dong-nai';
const environment = (app.node.tryGetContext('env') as string | undefined) ?? 'prod';
if (!['dev', 'staging', 'prod'].includes(environment))
  throw new Error(`-c env=${environment}: the environment is dev, staging or prod`);
buildApp(app, loadProvinceConfig(provinceId), { environment: environment as DeploymentEnvironment });
app.synth();
