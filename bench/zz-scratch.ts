import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { performance as perf } from 'node:perf_hooks';
import { captureDynamoRequests, seedProcedures, startBenchCloud, REPO_ROOT } from './support.ts';
import { MonthOfDossiers, previousMonth } from './report-cost.ts';
import { LocalLambdas } from '../packages/local-cloud/src/lambda.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../packages/local-cloud/src/emulators.ts';
import { functionNamed } from '#topology/index.ts';
const bench = await startBenchCloud();
const raw = new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB!, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
try {
  await bench.cloud.stopPollers();
  const month = new MonthOfDossiers(previousMonth(Date.now()), seedProcedures(bench.cloud));
  const lambdas = new LocalLambdas(REPO_ROOT);
  const fn = functionNamed('reporting-on-dossier-event');
  const rec = (i: number) => ({ messageId: String(i), receiptHandle: 'x', body: JSON.stringify(month.event(i)), attributes: {}, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'x', awsRegion: 'x' });
  const cap = captureDynamoRequests();
  for (let i = 0; i < 20; i++) await lambdas.invoke(fn, { Records: [rec(i)] });
  const txs = cap.take().filter(c => c.operation === 'TransactWriteItems');
  cap.stop();
  console.log(txs[5]!.body.slice(0, 3000));
  // replay tx shapes: only the ADD updates (skip inbox/fact puts with conditions) to measure DynamoDB Local speed
  let n = 0; const t = performance.now();
  await Promise.all(Array.from({ length: 10 }, async () => { while (performance.now() - t < 5000) { const body = JSON.parse(txs[n++ % txs.length]!.body); body.TransactItems = body.TransactItems.filter((x: any) => x.Update && !x.Update.ConditionExpression); delete body.ClientRequestToken; if (body.TransactItems.length) await raw.send(new TransactWriteItemsCommand(body)); } }));
  console.log('raw update-only tx', (n / 5).toFixed(0), '/s');
  const elu0 = perf.eventLoopUtilization();
  let next = 1000; const end = 1600; const t2 = performance.now();
  await Promise.all(Array.from({ length: 8 }, async () => { while (next < end) { const f = next; next += 10; await lambdas.invoke(fn, { Records: Array.from({ length: 10 }, (_, k) => rec(f + k)) }); } }));
  const elu = perf.eventLoopUtilization(elu0);
  console.log('feed', (600 / ((performance.now() - t2) / 1000)).toFixed(0), '/s; event loop utilization', elu.utilization.toFixed(2));
} finally { raw.destroy(); await bench.stop(); }
