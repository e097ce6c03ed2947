/**
 * Starts one DynamoDB Local and one fauxqs for the whole test run (in memory). Each test file then starts
 * its own local cloud on them with a unique resource prefix (test/support/cloud.ts), so files run in
 * parallel without seeing each other's tables, queues or clock.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoLocal, startFauxqsServer } from '../../packages/local-cloud/src/emulators.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    fauxqsEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [dynamo, fauxqs] = await Promise.all([startDynamoLocal({}), startFauxqsServer({})]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('fauxqsEndpoint', fauxqs.endpoint);
  return async () => {
    await Promise.all([dynamo.stop(), fauxqs.stop()]);
  };
}
