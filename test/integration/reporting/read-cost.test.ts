/**
 * What a report costs does not depend on how many dossiers there are: the same period and buckets read the same
 * DynamoDB capacity (`x-read-units`) with 10 dossiers and with 200 (the bench script does 1,000 vs 100,000).
 * The dossiers are projected in-process through the consumer's use case (concurrently, as a batch would), all
 * in one (agency, procedure) and with the same days, so both datasets touch exactly the same buckets.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DossierEventData } from '#dossiers/events.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';
import { dossier } from '#test/unit/reporting/fixtures.ts';

const AGENCY = '000.01.21.H19';
const PROCEDURE = '2.000815';

let cloud: TestCloud;
let admin: string;
let projectDossierEvent: typeof import('#reporting/use-cases/project.ts').projectDossierEvent;

beforeAll(async () => {
  cloud = await startTestCloud();
  admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  // Loaded once the cloud has set the functions' environment, as the local runtime loads a handler.
  ({ projectDossierEvent } = await import('#reporting/use-cases/project.ts'));
});
afterAll(async () => {
  await cloud?.stop();
});

/** Dossier `index`: received Mon 2025-06-02, due Thu 06-05; even ones resolved early on 06-04, odd ones left open. */
function versionsOf(index: number) {
  const built = dossier({
    code: `R${index}`,
    agencyCode: AGENCY,
    procedureCode: PROCEDURE,
    channel: 'online',
    submittedAt: '2025-06-02T08:00',
    documents: [{ digitized: true }],
    fee: 2000,
  })
    .receive('2025-06-02T09:00', '2025-06-05T17:00')
    .process('2025-06-02T10:00');
  if (index % 2 === 0) built.resolve('2025-06-04T10:00', { electronic: true, documentId: `RES-${index}` });
  return built.versions;
}

async function project(from: number, to: number): Promise<void> {
  const indexes = Array.from({ length: to - from }, (_, i) => from + i);
  const concurrency = 25;
  for (let start = 0; start < indexes.length; start += concurrency) {
    await Promise.all(
      indexes.slice(start, start + concurrency).map(async (index) => {
        for (const snapshot of versionsOf(index)) {
          const event: EventEnvelope<DossierEventData> = {
            id: randomUUID(),
            type: 'dossier.received',
            version: 1,
            source: 'dossiers',
            subject: snapshot.code,
            sequence: snapshot.version,
            occurredAt: snapshot.history.at(-1)!.at,
            data: { dossier: snapshot, entry: snapshot.history.at(-1)! },
          };
          expect(await projectDossierEvent(event)).toBe('applied');
        }
      }),
    );
  }
}

async function cost(path: string) {
  const res = await cloud.fetch(path, { token: admin });
  expect(res.status, res.text).toBe(200);
  return { units: Number(res.headers.get('x-read-units')), json: res.json };
}

describe('the read cost of a report', () => {
  test('is the same for 10 and for 200 dossiers in the same buckets', async () => {
    const paths = [
      '/reports/dossiers?from=2025-06&to=2025-06&groupBy=agency',
      '/reports/dossiers?from=2025-01&to=2025-12&groupBy=month',
      '/reports/index?from=2025-06&to=2025-06',
    ];
    await project(0, 10);
    const small = await Promise.all(paths.map(cost));
    expect(small[0]!.json.total).toMatchObject({ received: 10, early: 5, inProgressOverdue: 5 });

    await project(10, 200);
    const large = await Promise.all(paths.map(cost));
    expect(large[0]!.json.total).toMatchObject({ received: 200, early: 100, inProgressOverdue: 100 });
    expect(large[2]!.json.indicators.find((i: { id: string }) => i.id === '2.1')).toMatchObject({
      numerator: 100,
      denominator: 200,
    });

    for (const [index, path] of paths.entries()) {
      expect(small[index]!.units, path).toBeGreaterThan(0);
      expect(large[index]!.units, path).toBe(small[index]!.units);
    }
  }, 120_000);
});
