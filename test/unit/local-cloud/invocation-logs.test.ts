/**
 * The local cloud runs every function in one process, many invocations at once, all writing through the one
 * platform logger: each invocation's lines carry its own function's name, request id and keys (issue #17).
 * Two functions are invoked at once and made to interleave — both have started and appended their keys before
 * either logs its last line — and every line they write is read back from stdout.
 */
import { afterAll, afterEach, beforeAll, expect, test, vi } from 'vitest';
import { LocalLambdas } from '#local-cloud/lambda.ts';
import { logger } from '#platform/observability.ts';
import type { FunctionDecl } from '#topology/types.ts';
import type { ProbeEvent } from './invocation-logs.fixture.ts';

const entry = 'test/unit/local-cloud/invocation-logs.fixture.ts';
const fn = (name: string): FunctionDecl => ({ name, entry, kind: 'http' });

interface Line {
  message: string;
  service: string;
  function_name?: string;
  function_request_id?: string;
  dossierCode?: string;
}

let lines: Line[] = [];
let level: string;
beforeAll(() => {
  level = logger.getLevelName();
  logger.setLogLevel('WARN');
});
afterAll(() => {
  logger.setLogLevel(level as 'WARN');
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Powertools writes each line as JSON to stdout or (warnings, errors) stderr, through a Console of its own. */
function captureLogs(): void {
  lines = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      const text = String(chunk);
      if (!text.startsWith('{')) return write(chunk);
      lines.push(JSON.parse(text) as Line);
      return true;
    });
  }
}

/** Invokes both functions at once; each logs, then waits until both have logged, then logs again. */
async function interleaved(lambdas: LocalLambdas, plain: boolean): Promise<void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let waiting = 0;
  const event = (dossierCode: string): ProbeEvent & { plain: boolean } => ({
    dossierCode,
    plain,
    proceed: () => released,
    waiting: () => {
      waiting += 1;
      if (waiting === 2) release();
    },
  });
  captureLogs();
  const answers = await Promise.all([
    lambdas.invoke(fn('probe-alpha'), event('A-0001')),
    lambdas.invoke(fn('probe-beta'), event('B-0002')),
  ]);
  vi.restoreAllMocks();
  expect(answers).toEqual(['A-0001', 'B-0002']);
}

function expectOwnLabels(): void {
  expect(lines.map((line) => line.message).sort()).toEqual(['finished', 'finished', 'started', 'started']);
  const byFunction = Map.groupBy(lines, (line) => line.function_name);
  expect([...byFunction.keys()].sort()).toEqual(['probe-alpha', 'probe-beta']);
  for (const [name, own] of byFunction) {
    const code = name === 'probe-alpha' ? 'A-0001' : 'B-0002';
    expect(own.map((line) => [line.message, line.dossierCode, line.service])).toEqual([
      ['started', code, name],
      ['finished', code, name],
    ]);
    // One request id per invocation, on both of its lines.
    expect(new Set(own.map((line) => line.function_request_id)).size).toBe(1);
  }
  expect(new Set(lines.map((line) => line.function_request_id)).size).toBe(2);
}

test('through injectLambdaContext, each invocation logs with its own function name, request id and keys', async () => {
  await interleaved(new LocalLambdas(process.cwd()), false);
  expectOwnLabels();
});

test('a plain handler (no middy) is labelled with its invocation too', async () => {
  await interleaved(new LocalLambdas(process.cwd()), true);
  expectOwnLabels();
});

test('outside an invocation the logger is the function-wide one, with no invocation keys', () => {
  captureLogs();
  logger.warn('between invocations');
  vi.restoreAllMocks();
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toHaveProperty('dossierCode');
  expect(lines[0]).not.toHaveProperty('function_name');
});
