/**
 * A province is a config file, `config/provinces/<id>.json`, validated on load by CDK (deploy) and the
 * local runtime. At run time functions get the few public settings they need as PROVINCE_* environment
 * variables; secrets (gateway keys, portal credentials) come from Secrets Manager on AWS, env vars locally.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { DEFAULT_OFFICE_HOURS, type OfficeHours, officeHoursSchema } from '#calendar/deadline.ts';
import type { ContextName } from './events.ts';

/** domain.md's default office hours, as a mutable value for zod's defaults. */
const defaultHours = { sessions: DEFAULT_OFFICE_HOURS.sessions.map((session) => ({ ...session })) };

const agencyCode = z.string().regex(/^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/, 'agency identifier like 000.00.00.H19');

/**
 * The result-signing key of one environment (docs/operations.md, "Signing key rollover"). `generation` names the
 * key that signs: raising it makes the foundation stack create a new key and move the alias to it. The keys of
 * earlier generations are never deleted (a result names the key that signed it, for as long as it is verified):
 * `previousKeyArns` lists those whose signatures are still accepted, and only those are granted to the verifier.
 */
const resultSigningSchema = z
  .object({
    generation: z.number().int().min(1).default(1),
    previousKeyArns: z
      .array(
        z
          .string()
          .regex(/^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/(mrk-)?[0-9a-f-]{32,36}$/, 'a KMS key ARN (arn:aws:kms:…:key/…)'),
      )
      .default([]),
  })
  .strict()
  .refine((s) => new Set(s.previousKeyArns).size === s.previousKeyArns.length, {
    message: 'a previous key is listed twice',
    path: ['previousKeyArns'],
  });

/** The tables a table-name override may name: each context's own table, named after it. */
export const CONTEXT_TABLES = [
  'catalog',
  'dossiers',
  'documents',
  'payments',
  'notifications',
  'reporting',
  'portal',
] as const satisfies readonly ContextName[];

/**
 * A context pointed at a table the stack does not create (docs/operations.md, "Restoring a table"): the restored
 * table's name and, for a table with an outbox, its stream, which the outbox publisher reads.
 */
const tableOverrideSchema = z
  .object({
    tableName: z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'a DynamoDB table name'),
    streamArn: z
      .string()
      .regex(/^arn:aws:dynamodb:[a-z0-9-]+:\d{12}:table\/[a-zA-Z0-9_.-]+\/stream\/.+$/, 'a DynamoDB stream ARN')
      .optional(),
  })
  .strict();

/**
 * One deployment environment: its account and region, and the API's public domain there with its ACM
 * certificate, issued in us-east-1 (CloudFront only takes certificates from there).
 */
const awsEnvironmentSchema = z
  .object({
    account: z.string().regex(/^\d{12}$/, '12-digit AWS account id'),
    region: z.string().min(1),
    apiDomain: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'a host name like api.dichvucong.dongnai.gov.vn'),
    certificateArn: z
      .string()
      .regex(/^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/, 'an ACM certificate ARN in us-east-1'),
    resultSigning: resultSigningSchema.default(() => ({ generation: 1, previousKeyArns: [] })),
    /** Contexts pointed at a table of another name (a restored one) instead of the one the stack creates. */
    tables: z.partialRecord(z.enum(CONTEXT_TABLES), tableOverrideSchema).default({}),
  })
  .strict()
  .refine(
    (e) =>
      Object.values(e.tables).every(
        (t) =>
          t?.streamArn === undefined ||
          t.streamArn.startsWith(`arn:aws:dynamodb:${e.region}:${e.account}:table/${t.tableName}/stream/`),
      ),
    {
      message: "a table's streamArn must be a stream of that table, in this environment's account and region",
      path: ['tables'],
    },
  )
  .refine(
    (e) => e.resultSigning.previousKeyArns.every((arn) => arn.startsWith(`arn:aws:kms:${e.region}:${e.account}:key/`)),
    {
      message: "a previous signing key must be a key of this environment's account and region",
      path: ['resultSigning', 'previousKeyArns'],
    },
  );

/** CIDR blocks a payment gateway sends its IPN calls from (published by the gateway); empty: not restricted. */
const ipRangesSchema = z
  .array(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'an IPv4 CIDR block like 113.160.92.0/24'))
  .default([]);

/** How far leaders and admins reach (#platform/agency-scope.ts): their agency, it and those below, the province. */
export const SCOPE_RULES = ['agency', 'agency-and-children', 'province'] as const;
export type ScopeRule = (typeof SCOPE_RULES)[number];
export interface AccessScope {
  leaders: ScopeRule;
  admins: ScopeRule;
}
export const DEFAULT_ACCESS_SCOPE: AccessScope = { leaders: 'agency-and-children', admins: 'agency-and-children' };

const routeThrottleSchema = z.object({ rate: z.number().int().min(1), burst: z.number().int().min(1) }).strict();

/**
 * The treasury account the national payment platform collects a province's fees into (gateways.paygov); the
 * payments functions read it back from PAYGOV_BENEFICIARY with the same schema.
 */
export const paygovBeneficiarySchema = z
  .object({
    accountNumber: z.string().min(1),
    bankCode: z.string().min(1),
    accountName: z.string().min(1),
    treasury: z.string().min(1),
    budgetAccount: z.string().min(1),
    decisionBody: z.string().optional(),
    decisionNumber: z.string().optional(),
  })
  .strict();

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
      /** The deployment environments of this province; `-c env=<name>` picks one (infra/app.ts). */
      environments: z
        .object({ dev: awsEnvironmentSchema, staging: awsEnvironmentSchema, prod: awsEnvironmentSchema })
        .strict(),
    }),
    /** `api`: the production API domain (`aws.environments.prod.apiDomain` must name it). */
    domains: z.object({ api: z.string().min(1), portal: z.string().url() }),
    /** The edge in front of the API: CloudFront (domain and certificate per environment) and AWS WAF. */
    edge: z
      .object({
        /**
         * Requests per 5 minutes per client IP (AWS WAF rate-based rules): without a token, with a token
         * (citizens and officials: WAF cannot tell the issuers apart), and on the payment gateways' routes.
         */
        rateLimitsPer5Min: z
          .object({
            anonymous: z.number().int().min(100),
            authenticated: z.number().int().min(100),
            webhook: z.number().int().min(100),
          })
          .strict(),
      })
      .strict(),
    /** API Gateway per-route throttles (steady requests per second and burst), per class of route. */
    throttles: z
      .object({
        public: routeThrottleSchema,
        citizen: routeThrottleSchema,
        official: routeThrottleSchema,
        webhook: routeThrottleSchema,
      })
      .strict(),
    /**
     * How many concurrent executions each event consumer may take at most (the SQS event source's maximum
     * concurrency, see docs/decisions/0011-operations-on-aws.md), so a burst of events cannot take the account's
     * Lambda concurrency from the API. `consumers` overrides the default per queue name.
     */
    consumerConcurrency: z
      .object({
        default: z.number().int().min(2).max(1000),
        consumers: z.record(z.string(), z.number().int().min(2).max(1000)).default({}),
      })
      .strict(),
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
          ipnSourceRanges: ipRangesSchema,
        })
        .optional(),
      momo: z
        .object({
          enabled: z.boolean(),
          endpoint: z.string().url(),
          secretName: z.string(),
          ipnSourceRanges: ipRangesSchema,
        })
        .optional(),
      /**
       * The national payment platform on DVCQG: the province's partner code and key are in the secret
       * ({partnerCode, secretKey}); the beneficiary is the treasury account its fees are collected into.
       */
      paygov: z
        .object({
          enabled: z.boolean(),
          paymentUrl: z.string().url(),
          apiUrl: z.string().url(),
          secretName: z.string(),
          ipnSourceRanges: ipRangesSchema,
          beneficiary: paygovBeneficiarySchema,
          billTtlMinutes: z
            .number()
            .int()
            .min(60)
            .max(30 * 24 * 60)
            .default(3 * 24 * 60),
        })
        .optional(),
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
      /**
       * Zalo ZNS through the province's Official Account: `appId` is the Zalo application's id (public), the
       * secret holds the tokens and the application's secret key (docs/operations.md, "Zalo OA tokens").
       */
      zalo: z
        .object({
          enabled: z.boolean(),
          oaId: z.string().optional(),
          appId: z
            .string()
            .regex(/^\d{5,25}$/, 'the Zalo application id (digits)')
            .optional(),
          secretName: z.string().optional(),
        })
        .refine((zalo) => !zalo.enabled || (zalo.appId !== undefined && zalo.secretName !== undefined), {
          message: 'an enabled Zalo channel needs appId (to refresh its tokens) and secretName',
          path: ['appId'],
        }),
    }),
    nationalPortal: z.object({ endpoint: z.string().url(), secretName: z.string() }),
    alarms: z.object({
      emails: z.array(z.string().email()).min(1),
      /** Payments still pending this many minutes after their expiry page the operators. */
      paymentsPendingMinutes: z.number().int().min(5).default(60),
      /** Dossiers waiting to be pushed to the national portal before the backlog alarm fires. */
      nationalSyncBacklog: z.number().int().min(1).default(200),
      /** Share of notification deliveries that failed for good, over an hour, that pages the operators. */
      notificationFailureRatePercent: z.number().min(0.1).max(100).default(5),
      /** p99 latency of the API, in milliseconds. */
      apiLatencyP99Ms: z.number().int().min(100).default(3000),
    }),
    /** Office hours of the one-stop desks (docs/timeliness.md); the default is domain.md's 07:30–11:30, 13:00–17:00. */
    timeliness: z
      .object({ officeHours: officeHoursSchema.default(() => structuredClone(defaultHours)) })
      .default(() => ({ officeHours: structuredClone(defaultHours) })),
    /**
     * How far leaders and admins (with an agency) reach when reading an agency's dossiers and what hangs off them
     * (#platform/agency-scope.ts): their agency only, their agency and every agency below it (the default), or
     * the whole province. Officers always reach their own agency; an admin without an agency, the province.
     */
    access: z
      .object({
        leaders: z.enum(SCOPE_RULES).default(DEFAULT_ACCESS_SCOPE.leaders),
        admins: z.enum(SCOPE_RULES).default(DEFAULT_ACCESS_SCOPE.admins),
      })
      .strict()
      .default(() => ({ ...DEFAULT_ACCESS_SCOPE })),
    seed: z.string().describe('Folder under config/seed with agencies.json and procedures.json'),
    retention: z.object({
      documentsDays: z.number().int().min(365),
      logsDays: z.number().int().min(30),
      /**
       * The gateways' signed callbacks (the raw requests and what became of them), evidence of each payment: kept
       * this long, then removed by DynamoDB's TTL. Default 10 years, the retention of accounting documents
       * (Luật Kế toán 2015, art. 41); a province may keep them longer.
       */
      paymentCallbacksDays: z.number().int().min(1825).default(3650),
    }),
  })
  .strict()
  .refine((p) => p.aws.environments.prod.apiDomain === p.domains.api, {
    message: 'aws.environments.prod.apiDomain must be domains.api',
    path: ['aws', 'environments', 'prod', 'apiDomain'],
  })
  .superRefine((p, ctx) => {
    // A restored table keeps the province's naming, so every listing and policy by prefix still finds it.
    for (const [env, target] of Object.entries(p.aws.environments)) {
      for (const [table, override] of Object.entries(target.tables)) {
        if (override && !override.tableName.startsWith(`motcua-${p.id}-${table}`)) {
          ctx.addIssue({
            code: 'custom',
            message: `the table of ${table} must be named motcua-${p.id}-${table}…`,
            path: ['aws', 'environments', env, 'tables', table, 'tableName'],
          });
        }
      }
    }
  });

export type DeploymentEnvironment = 'dev' | 'staging' | 'prod';

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

/** The environment variable carrying the province's office hours (JSON) to every function. */
export const OFFICE_HOURS_ENV = 'PROVINCE_OFFICE_HOURS';

/** The province's office hours as the functions get them; the default when unset. Throws on invalid JSON/data. */
export function officeHoursFromEnv(env: NodeJS.ProcessEnv = process.env): OfficeHours {
  const raw = env[OFFICE_HOURS_ENV];
  if (raw === undefined || raw === '') return DEFAULT_OFFICE_HOURS;
  return officeHoursSchema.parse(JSON.parse(raw));
}
