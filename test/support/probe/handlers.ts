import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { now } from '#platform/clock.ts';
import { transactWrite } from '#platform/dynamo.ts';
import { tableName } from '#platform/env.ts';
import { httpHandler } from '#platform/http.ts';
import { requireIdentity } from '#platform/identity.ts';
import { envelope, outboxPut } from '#platform/outbox.ts';
import { probeRoutes } from './topology.ts';

const create = httpHandler(probeRoutes.create, async (req) => {
  requireIdentity(req.identity);
  const table = tableName('probe');
  const event = envelope('reporting', {
    type: req.body.poison ? 'probe.poisoned' : 'probe.created',
    subject: req.body.id,
    sequence: 1,
    data: { id: req.body.id },
  });
  await transactWrite([
    { Put: { TableName: table, Item: { pk: `THING#${req.body.id}`, sk: 'THING', createdAt: now().toISOString() } } },
    outboxPut(table, event),
  ]);
  return { status: 201, body: { id: req.body.id, eventId: event.id } };
});

const received = httpHandler(probeRoutes.received, async (req) => {
  const table = tableName('probe');
  const thing = await dynamoDocumentClient().send(
    new GetCommand({ TableName: table, Key: { pk: `THING#${req.params.id}`, sk: 'THING' } }),
  );
  const counts = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `RECEIVED#${req.params.id}` },
    }),
  );
  const byConsumer: Record<string, number> = {};
  for (const item of counts.Items ?? []) byConsumer[String(item.sk)] = Number(item.count);
  return { body: { exists: thing.Item !== undefined, received: byConsumer } };
});

const whoami = httpHandler(probeRoutes.citizenOnly, async (req) => ({ body: requireIdentity(req.identity) }));

export const handler = async (event: { routeKey: string }, context: never) => {
  if (event.routeKey === 'POST /probe/things') return create(event as never, context);
  if (event.routeKey === 'GET /probe/things/{id}') return received(event as never, context);
  return whoami(event as never, context);
};
