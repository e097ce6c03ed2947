/**
 * Calls handler modules the way the Lambda service does: one module instance per function (imported once,
 * so module-scope clients are reused like in a warm container), an event, and a context object, within the
 * function's declared timeout. An invocation that outlasts it fails with `FunctionTimedOutError`, as Lambda
 * ends it with "Task timed out"; here the handler cannot be killed, so it runs on in the background and what
 * it answers later is dropped (its writes, like a killed Lambda's committed ones, stand).
 *
 * Unlike Lambda, one process runs every function, many invocations at once, sharing one platform module
 * (and so one Powertools logger): each invocation runs in `runInvocation`, so its log lines carry its own
 * function's name, request id and keys, never those of an invocation running beside it.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { runInvocation } from '#platform/observability.ts';
import { functionTimeoutSeconds } from '#topology/index.ts';
import type { FunctionDecl } from '#topology/types.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The invocation ran past the function's timeout (the gateway answers 503; an event source retries). */
export class FunctionTimedOutError extends Error {
  readonly functionName: string;
  readonly timeoutSeconds: number;

  constructor(functionName: string, timeoutSeconds: number) {
    super(`${functionName}: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
    this.name = 'FunctionTimedOutError';
    this.functionName = functionName;
    this.timeoutSeconds = timeoutSeconds;
  }
}

export class LocalLambdas {
  readonly #root: string;
  readonly #modules = new Map<string, Promise<Handler>>();

  constructor(root: string) {
    this.#root = root;
  }

  #load(fn: FunctionDecl): Promise<Handler> {
    let loaded = this.#modules.get(fn.entry);
    if (!loaded) {
      loaded = import(pathToFileURL(resolve(this.#root, fn.entry)).href).then((mod: { handler?: Handler }) => {
        if (typeof mod.handler !== 'function') throw new Error(`${fn.entry} does not export a handler`);
        return mod.handler;
      });
      this.#modules.set(fn.entry, loaded);
    }
    return loaded;
  }

  async invoke(fn: FunctionDecl, event: unknown): Promise<unknown> {
    const handler = await this.#load(fn);
    const timeoutSeconds = functionTimeoutSeconds(fn);
    const timeoutMs = timeoutSeconds * 1000;
    const started = Date.now();
    const requestId = randomUUID();
    const context: Context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName: fn.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:ap-southeast-1:000000000000:function:${fn.name}`,
      memoryLimitInMB: String(fn.memoryMb ?? 256),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${fn.name}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FunctionTimedOutError(fn.name, timeoutSeconds)), timeoutMs);
    });
    try {
      // `async` wrapper: a handler that throws synchronously rejects like one that throws later.
      return await Promise.race([runInvocation(context, async () => handler(event, context)), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
