/**
 * The console's typed API client is generated from the OpenAPI document of the topology; this fails when a
 * route or schema changed and packages/console/src/api/schema.gen.ts was not regenerated, so the console is
 * always compiled against the API as it is.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from '../../../packages/console/scripts/api-types.ts';

test('packages/console/src/api/schema.gen.ts is generated from the current contract (npm run console:api)', async () => {
  const generated = await generateApiTypes();
  const committed = readFileSync(API_TYPES_FILE, 'utf8');
  expect(committed === generated, 'stale API types: run `npm run console:api` and commit the file').toBe(true);
});
