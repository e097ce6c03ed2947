/**
 * The officials' directory: who at an agency is told about its new dossiers, supplements and deadlines.
 * On AWS the province's admins keep it (`PUT /notifications/officials/{sub}`); locally it is also seeded
 * from `config/seed/<province>/officials.json` as the catalog announces each agency.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLocal } from '#platform/env.ts';
import { logger } from '#platform/observability.ts';
import { loadProvinceConfig, provinceFromEnv } from '#platform/province.ts';
import { type Official, type OfficialInput, officialSeedFileSchema } from '../api/schemas.ts';
import type { Recipient } from '../domain/decide.ts';
import type { NotificationChannel } from '../domain/templates.ts';
import { addOfficialIfAbsent, officialsOfAgency, putOfficial } from '../store.ts';

/** Officials' recipient ids carry their sub (an identity-provider id, not personal data). */
export const officialRecipientId = (sub: string): string => `official:${sub}`;

/** An official as planning sees them: only active entries, only channels they opted into and the province runs. */
export function officialRecipient(official: Official, enabled: ReadonlySet<NotificationChannel>): Recipient {
  const recipient: Recipient = {
    kind: 'official',
    id: officialRecipientId(official.sub),
    name: official.name,
    language: official.language,
    consent: {
      email: official.channels.email && enabled.has('email'),
      sms: official.channels.sms && enabled.has('sms'),
      zalo: false,
    },
  };
  if (official.email) recipient.email = official.email;
  if (official.phone) recipient.phone = official.phone;
  return recipient;
}

export async function activeOfficialsOf(
  agencyCode: string,
  enabled: ReadonlySet<NotificationChannel>,
): Promise<Recipient[]> {
  const officials = await officialsOfAgency(agencyCode);
  return officials.filter((o) => o.active).map((o) => officialRecipient(o, enabled));
}

/** Creates or replaces a directory entry (admin). */
export async function saveOfficial(
  sub: string,
  input: OfficialInput,
  by: string,
  at: Date,
): Promise<{ official: Official; created: boolean }> {
  const official: Official = { sub, ...input, updatedAt: at.toISOString(), updatedBy: by };
  const { created } = await putOfficial(official);
  return { official, created };
}

let seedCache: { file: string; rows: (OfficialInput & { sub: string })[] } | undefined;

function seedRows(): (OfficialInput & { sub: string })[] {
  const province = loadProvinceConfig(provinceFromEnv().id);
  const file = join(process.cwd(), 'config', 'seed', province.seed, 'officials.json');
  if (seedCache?.file === file) return seedCache.rows;
  const rows = existsSync(file) ? officialSeedFileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) : [];
  seedCache = { file, rows };
  return rows;
}

/**
 * Locally, adds the seed file's officials of an agency the catalog just announced; entries already in the
 * directory are left alone. Never on AWS: fake contacts must not receive real mail.
 */
export async function seedOfficialsOf(agencyCode: string, at: Date): Promise<number> {
  if (!isLocal()) return 0;
  let added = 0;
  for (const { sub, ...input } of seedRows().filter((row) => row.agencyCode === agencyCode)) {
    if (await addOfficialIfAbsent({ sub, ...input, updatedAt: at.toISOString(), updatedBy: 'seed' })) added++;
  }
  if (added > 0) logger.debug('seeded officials', { agencyCode, added });
  return added;
}
