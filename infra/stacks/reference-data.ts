/**
 * The custom resource that loads a province's reference data on deploy (infra/handlers/load-reference-data.ts):
 * a function in the catalog stack with the catalog's table and the seed files next to its bundle, invoked by
 * CloudFormation directly (it answers CloudFormation itself, so no provider framework is needed).
 */
import { createHash } from 'node:crypto';
import { CustomResource, Duration } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { VIETNAM_CALENDAR_2025_2027 } from '#calendar/seed.ts';
import type { ProvinceConfig } from '#platform/province.ts';
import type { FunctionDecl } from '#topology/types.ts';
import type { ContextStack } from './context-stack.ts';
import { createFunction } from './lambda.ts';
import { functionAlarms } from './monitoring.ts';

export const REFERENCE_DATA_FUNCTION: FunctionDecl = {
  name: 'catalog-load-reference-data',
  entry: 'infra/handlers/load-reference-data.ts',
  kind: 'schedule',
  memoryMb: 1024,
  timeoutSeconds: 300,
  tables: [{ table: 'catalog', access: 'readwrite' }],
};

/** A short fingerprint of each seed year: the resource is updated (and the year loaded) when one changes. */
export function calendarSeedHashes(): Record<string, string> {
  return Object.fromEntries(
    VIETNAM_CALENDAR_2025_2027.map((c) => [
      String(c.year),
      createHash('sha256').update(JSON.stringify(c)).digest('hex').slice(0, 16),
    ]),
  );
}

export function addReferenceDataLoader(
  catalog: ContextStack,
  province: ProvinceConfig,
  environment: Record<string, string>,
): { fn: NodejsFunction; resource: CustomResource } {
  const table = catalog.tables.get('catalog');
  if (!table) throw new Error('the catalog stack has no catalog table');
  const fn = createFunction(
    catalog,
    REFERENCE_DATA_FUNCTION,
    province,
    { ...environment, REFERENCE_DATA_DIR: '/var/task/seed' },
    {
      copyFiles: ['agencies.json', 'procedures.json'].map((f) => ({
        from: `config/seed/${province.seed}/${f}`,
        to: `seed/${f}`,
      })),
    },
  );
  table.grantReadWriteData(fn);
  functionAlarms(catalog, catalog.alarms, REFERENCE_DATA_FUNCTION, fn);
  const resource = new CustomResource(catalog, 'ReferenceData', {
    serviceToken: fn.functionArn,
    resourceType: 'Custom::MotcuaReferenceData',
    properties: { seed: province.seed, calendar: calendarSeedHashes() },
    serviceTimeout: Duration.minutes(10),
  });
  return { fn, resource };
}
