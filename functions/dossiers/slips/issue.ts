/**
 * `GET /dossiers/{code}/slips/{kind}`: the slip as a PDF, for the applicant and for officials of the agencies on
 * the dossier (competent, holding, receiving desk). A slip is generated the first time it is asked for and kept
 * (the PDF and its SHA-256) in the dossiers table beside the dossier: asked again later, the same slip is the same
 * document byte for byte, even after agency names or this code change. See docs/decisions/0009-one-stop-counter.md.
 */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { ConflictError } from '#platform/errors.ts';
import type { Identity } from '#platform/identity.ts';
import { provinceFromEnv } from '#platform/province.ts';
import type { Dossier } from '../domain/model.ts';
import { agencyFor } from '../read-models.ts';
import * as store from '../store.ts';
import { loadVisible } from '../use-cases.ts';
import { type AgencyNames, planSlip, type SlipKind, unavailableReason } from './forms.ts';
import { renderSlip } from './render.ts';

/** DynamoDB's item limit is 400 KB; slips with a subset font are a few tens of KB. */
const MAX_STORED_BYTES = 350_000;

const slipKey = (code: string, kind: SlipKind, variant: string) => ({
  pk: `DOSSIER#${code}`,
  sk: `SLIP#${kind}#${variant}`,
});

export interface IssuedSlip {
  pdf: Buffer;
  sha256: string;
  fileName: string;
}

/** Names of every agency the dossier mentions, and of their parents, from the catalog read model. */
async function agencyNames(d: Dossier): Promise<AgencyNames> {
  const codes = new Set<string>([
    d.agencyCode,
    d.currentAgencyCode,
    ...(d.receivingAgencyCode ? [d.receivingAgencyCode] : []),
  ]);
  for (const entry of d.history) if (entry.by.agencyCode) codes.add(entry.by.agencyCode);
  for (const step of d.steps) codes.add(step.agencyCode);
  const agencies = new Map<string, { name: string; parentCode?: string }>();
  const load = async (code: string) => {
    const agency = await agencyFor(code);
    if (agency)
      agencies.set(code, { name: agency.name.vi, ...(agency.parentCode ? { parentCode: agency.parentCode } : {}) });
  };
  await Promise.all([...codes].map(load));
  const parents = [...agencies.values()].flatMap((a) =>
    a.parentCode && !agencies.has(a.parentCode) ? [a.parentCode] : [],
  );
  await Promise.all([...new Set(parents)].map(load));
  return {
    nameOf: (code) => agencies.get(code)?.name ?? code,
    parentOf: (code) => {
      const parent = agencies.get(code)?.parentCode;
      return parent === undefined ? undefined : (agencies.get(parent)?.name ?? parent);
    },
  };
}

/** "Đồng Nai" from the provincial People's Committee's name ("Ủy ban nhân dân tỉnh Đồng Nai"). */
export async function placeName(): Promise<string> {
  const code = process.env.PROVINCIAL_AGENCY_CODE;
  const agency = code ? await agencyFor(code) : undefined;
  const name = agency?.name.vi ?? '';
  return name.replace(/^Ủy ban nhân dân\s+/i, '').replace(/^(tỉnh|thành phố)\s+/i, '') || provinceFromEnv().id;
}

export async function issueSlip(identity: Identity, code: string, kind: SlipKind): Promise<IssuedSlip> {
  const stored = await loadVisible(identity, code);
  const d = stored.dossier;
  const unavailable = unavailableReason(d, kind);
  if (unavailable) throw new ConflictError('slip-not-available', unavailable);
  const [names, place, procedure] = await Promise.all([
    agencyNames(d),
    placeName(),
    store.getProcedureVersion(d.procedureCode, d.procedureVersion),
  ]);
  const plan = planSlip(d, kind, {
    names,
    settings: { placeName: place, statusLookupUrl: `${provinceFromEnv().portalUrl}/tra-cuu-ho-so` },
    ...(stored.applicantAddress === undefined ? {} : { address: stored.applicantAddress }),
    requirementName: (req) => procedure?.requirements.find((r) => r.code === req)?.name.vi ?? req,
  });
  const fileName = `${kind}-${d.code}-${plan.variant}.pdf`;
  const key = slipKey(d.code, kind, plan.variant);
  const client = dynamoDocumentClient();
  const existing = await client.send(
    new GetCommand({ TableName: store.dossiersTableName(), Key: key, ConsistentRead: true }),
  );
  if (existing.Item) return storedSlip(existing.Item, fileName);
  const pdf = Buffer.from(await renderSlip(plan.content));
  if (pdf.length > MAX_STORED_BYTES) throw new Error(`slip ${fileName} is ${pdf.length} bytes, too large to keep`);
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  try {
    await client.send(
      new PutCommand({
        TableName: store.dossiersTableName(),
        Item: { ...key, pdf, sha256, issuedAt: plan.content.issuedAt.toISOString(), dossierVersion: d.version },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    // Someone issued it at the same moment: theirs is the slip.
    const winner = await client.send(
      new GetCommand({ TableName: store.dossiersTableName(), Key: key, ConsistentRead: true }),
    );
    if (winner.Item) return storedSlip(winner.Item, fileName);
    throw error;
  }
  return { pdf, sha256, fileName };
}

function storedSlip(item: Record<string, unknown>, fileName: string): IssuedSlip {
  const pdf = Buffer.from(item.pdf as Uint8Array);
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  // The checksum is what makes "the same document" checkable; a mismatch is corruption, not a client error.
  if (sha256 !== item.sha256) throw new Error(`stored slip ${fileName} does not match its checksum`);
  return { pdf, sha256, fileName };
}
