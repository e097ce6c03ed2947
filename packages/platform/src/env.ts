/**
 * Names of the resources a function uses come from its environment, set by CDK on AWS and by the local
 * runtime locally. Reading them through these helpers gives one clear error when something is missing.
 */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Missing environment variable ${name}`);
  }
  return value;
}

export function optionalEnv(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

/** Environment variable holding the physical name of a logical table, e.g. TABLE_DOSSIERS. */
export const tableEnvName = (table: string): string => `TABLE_${table.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
export const bucketEnvName = (bucket: string): string => `BUCKET_${bucket.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
export const EVENTS_TOPIC_ENV = 'EVENTS_TOPIC_ARN';
/** A `kms:verify` function's keys whose signatures it accepts (ARNs, comma-separated), set by the deployment. */
export const RESULT_VERIFICATION_KEYS_ENV = 'RESULT_VERIFICATION_KEY_ARNS';

export const tableName = (table: string): string => requiredEnv(tableEnvName(table));
export const bucketName = (bucket: string): string => requiredEnv(bucketEnvName(bucket));

/** True in the embedded local cloud (never on AWS). */
export const isLocal = (): boolean => process.env.MOTCUA_LOCAL === 'true';
