import { captureDynamoRequests, describeRequest, seedProcedures, startBenchCloud, REPO_ROOT } from './support.ts';
import { MonthOfDossiers, previousMonth } from './report-cost.ts';
import { LocalLambdas } from '../packages/local-cloud/src/lambda.ts';
import { functionNamed } from '#topology/index.ts';
import { dynamoDocumentClient } from '#platform/aws.ts';
const bench = await startBenchCloud();
try {
  const month = new MonthOfDossiers(previousMonth(Date.now()), seedProcedures(bench.cloud));
  await bench.cloud.stopPollers();
  const lambdas = new LocalLambdas(REPO_ROOT);
  const fn = functionNamed('reporting-on-dossier-event');
  const rec = (i: number) => ({ messageId: String(i), receiptHandle: 'x', body: JSON.stringify(month.event(i)), attributes: {}, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'x', awsRegion: 'x' });
  await lambdas.invoke(fn, { Records: [rec(0)] });
  const cap = captureDynamoRequests();
  await lambdas.invoke(fn, { Records: [rec(1)] });
  console.log(cap.take().map(describeRequest).join(' '));
  cap.stop();
  let lat: Record<string, number[]> = {};
  (dynamoDocumentClient().middlewareStack as any).add((next: any) => async (args: any) => { const t = performance.now(); const op = args.request.headers['x-amz-target'].split('.')[1]; try { return await next(args); } finally { (lat[op] ??= []).push(performance.now() - t); } }, { step: 'finalizeRequest', name: 'timing' });
  for (const inFlight of [1, 8, 32]) {
    lat = {};
    let next = 100 + inFlight * 1000; const end = next + 400;
    const t = performance.now();
    await Promise.all(Array.from({ length: inFlight }, async () => { while (next < end) { const f = next; next += 10; await lambdas.invoke(fn, { Records: Array.from({ length: 10 }, (_, k) => rec(f + k)) }); } }));
    const s = (performance.now() - t) / 1000;
    console.log('inFlight', inFlight, (400 / s).toFixed(0), '/s', Object.entries(lat).map(([k, v]) => `${k} n=${v.length} med=${v.sort((a, b) => a - b)[v.length >> 1]!.toFixed(1)}`).join(' | '));
  }
} finally { await bench.stop(); }
