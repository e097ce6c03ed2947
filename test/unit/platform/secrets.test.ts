/**
 * The secret reader over the real SDK client and Powertools provider. There is no Secrets Manager emulator, so
 * the client's HTTP handler answers as Secrets Manager does (its JSON protocol) from a map of secrets.
 */
import { Readable } from 'node:stream';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, test } from 'vitest';
import { secretReader } from '#platform/secrets.ts';

function fakeSecretsManager(secrets: Map<string, string>, denied: ReadonlySet<string> = new Set()) {
  const calls: string[] = [];
  const client = new SecretsManagerClient({
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { body?: string | Uint8Array }) => {
        const raw = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
        const { SecretId } = JSON.parse(raw) as { SecretId: string };
        calls.push(SecretId);
        const value = secrets.get(SecretId);
        const [statusCode, body] = denied.has(SecretId)
          ? [400, { __type: 'AccessDeniedException', message: 'not authorized to perform GetSecretValue' }]
          : value === undefined
            ? [400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the secret." }]
            : [200, { ARN: `arn:${SecretId}`, Name: SecretId, SecretString: value }];
        return {
          response: {
            statusCode,
            reason: '',
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: Readable.from([Buffer.from(JSON.stringify(body))]),
          },
        };
      },
    } as never,
  });
  return { client, calls };
}

describe('reading secrets', () => {
  test('a read secret is reused; a fresh read sees a rotated value at once', async () => {
    const secrets = new Map([['motcua/vnpay', 'v1']]);
    const { client, calls } = fakeSecretsManager(secrets);
    const read = secretReader(client);
    expect(await read('motcua/vnpay')).toBe('v1');
    secrets.set('motcua/vnpay', 'v2');
    expect(await read('motcua/vnpay')).toBe('v1');
    expect(await read('motcua/vnpay', { fresh: true })).toBe('v2');
    expect(await read('motcua/vnpay')).toBe('v2');
    expect(calls).toEqual(['motcua/vnpay', 'motcua/vnpay']);
  });

  test('a secret that does not exist is not configured (undefined), not an error', async () => {
    const { client } = fakeSecretsManager(new Map());
    expect(await secretReader(client)('motcua/momo')).toBeUndefined();
  });

  test("a failed read surfaces the SDK's own error, so callers can tell access denied from a passing fault", async () => {
    const { client } = fakeSecretsManager(new Map([['motcua/zalo', 't']]), new Set(['motcua/zalo']));
    await expect(secretReader(client)('motcua/zalo')).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
