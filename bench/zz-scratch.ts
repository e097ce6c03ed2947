import { randomUUID } from 'node:crypto';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { benchCitizen, startBenchCloud, submissionBody, submitDossier, uploadVerifiedDocument } from './support.ts';
const bench = await startBenchCloud();
try {
  const citizen = benchCitizen(0);
  const token = await bench.token({ sub: citizen.idNumber, roles: ['citizen'], name: citizen.fullName });
  const documentId = await uploadVerifiedDocument(bench, token);
  await bench.cloud.settle(60_000);
  const body = submissionBody(citizen, documentId);
  let calls: string[] = [];
  (dynamoDocumentClient().middlewareStack as any).add((next: any) => async (args: any) => { const t = performance.now(); const op = args.request.headers['x-amz-target'].split('.')[1]; try { return await next(args); } finally { calls.push(`${op}:${(performance.now()-t).toFixed(1)}`); } }, { step: 'finalizeRequest', name: 'timing' });
  for (const quiet of [true, false]) {
    const times: number[] = [];
    for (let i = 0; i < 12; i++) {
      if (quiet) await bench.cloud.settle(60_000);
      calls = [];
      const t = performance.now();
      await submitDossier(bench, token, body, randomUUID());
      times.push(performance.now() - t);
      if (i >= 9) console.log(quiet ? 'quiet' : 'busy', (performance.now() - t).toFixed(1), calls.join(' '));
    }
    times.sort((a, b) => a - b);
    console.log(quiet ? 'quiet' : 'busy', 'median', times[6]!.toFixed(1));
  }
  const t = performance.now(); await bench.cloud.settle(60_000); console.log('settle', performance.now() - t);
  for (let i = 0; i < 5; i++) { calls = []; const t = performance.now(); const r = await bench.fetch('/health'); console.log('health', r.status, (performance.now() - t).toFixed(1)); }
} finally { await bench.stop(); }
