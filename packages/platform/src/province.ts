/**
 * A province is a config file, `config/provinces/<id>.json`, validated on load by CDK (deploy) and the
 * local runtime. At run time functions get the few public settings they need as PROVINCE_* environment
 * variables; secrets (gateway keys, portal credentials) come from Secrets Manager on AWS, env vars locally.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

const agencyCode = z.string().regex(/^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/, 'agency identifier like 000.00.00.H19');

export const provinceConfigSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/),
    code: z
      .string()
      .regex(/^[A-Z]\d{2}$/)
      .describe('The letter+number tail of the agency identifier codes, e.g. H19'),
    name: z.object({ vi: z.string().min(1), en: z.string().min(1) }),
    provincialAgencyCode: agencyCode,
    aws: z.object({
      account: z
        .string()
        .regex(/^\d{12}$/)
        .optional(),
      region: z.string().min(1),
    }),
    domains: z.object({ api: z.string().min(1), portal: z.string().url() }),
    identity: z.object({
      citizens: z.object({ issuer: z.string().url(), audience: z.string().min(1), jwksUri: z.string().url() }),
      officials: z.object({ issuer: z.string().url(), audience: z.string().min(1), jwksUri: z.string().url() }),
    }),
    gateways: z.object({
      vnpay: z
        .object({
          enabled: z.boolean(),
          paymentUrl: z.string().url(),
          apiUrl: z.string().url(),
          secretName: z.string(),
        })
        .optional(),
      momo: z.object({ enabled: z.boolean(), endpoint: z.string().url(), secretName: z.string() }).optional(),
      paymentExpiryMinutes: z
        .number()
        .int()
        .min(5)
        .max(24 * 60)
        .default(15),
    }),
    notifications: z.object({
      email: z.object({ enabled: z.boolean(), from: z.string().email() }),
      sms: z.object({ enabled: z.boolean(), senderId: z.string().max(11).optional() }),
      zalo: z.object({ enabled: z.boolean(), oaId: z.string().optional(), secretName: z.string().optional() }),
    }),
    nationalPortal: z.object({ endpoint: z.string().url(), secretName: z.string() }),
    alarms: z.object({ emails: z.array(z.string().email()).min(1) }),
    seed: z.string().describe('Folder under config/seed with agencies.json and procedures.json'),
    retention: z.object({ documentsDays: z.number().int().min(365), logsDays: z.number().int().min(30) }),
  })
  .strict();

export type ProvinceConfig = z.infer<typeof provinceConfigSchema>;

export function loadProvinceConfig(id: string, root = process.cwd()): ProvinceConfig {
  if (!/^[a-z][a-z0-9-]{1,30}$/.test(id)) throw new Error(`Invalid province id "${id}"`);
  const file = join(root, 'config', 'provinces', `${id}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read province config ${file}: ${(error as Error).message}`);
  }
  const parsed = provinceConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`Province config ${file} is invalid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The public settings functions read at run time (set by CDK / the local runtime). */
export function provinceFromEnv(env: NodeJS.ProcessEnv = process.env): { id: string; code: string; portalUrl: string } {
  return {
    id: env.PROVINCE_ID ?? 'dong-nai',
    code: env.PROVINCE_CODE ?? 'H19',
    portalUrl: env.PORTAL_URL ?? 'http://localhost:3000',
  };
}
