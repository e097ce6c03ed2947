/**
 * Which version of a procedure applies on a given day. Validity dates are calendar days in Vietnam (GMT+7,
 * no daylight saving), both ends inclusive.
 */
import { toLocalDate } from '#calendar/time.ts';
import type { Procedure } from './schemas.ts';

/** The calendar day (YYYY-MM-DD) in Vietnam at the given instant. */
export function vietnamDate(at: Date | string): string {
  const instant = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(instant.getTime())) throw new RangeError(`not a valid instant: ${String(at)}`);
  return toLocalDate(instant);
}

/** True when the version is published and `day` (YYYY-MM-DD) lies within its validity. */
export function isEffectiveOn(procedure: Pick<Procedure, 'status' | 'validFrom' | 'validTo'>, day: string): boolean {
  return (
    procedure.status === 'published' &&
    procedure.validFrom <= day &&
    (procedure.validTo === undefined || day <= procedure.validTo)
  );
}

/** The highest-numbered version in effect on `day`, if any. */
export function effectiveVersion<T extends Pick<Procedure, 'version' | 'status' | 'validFrom' | 'validTo'>>(
  versions: readonly T[],
  day: string,
): T | undefined {
  let best: T | undefined;
  for (const candidate of versions) {
    if (isEffectiveOn(candidate, day) && (best === undefined || candidate.version > best.version)) best = candidate;
  }
  return best;
}

/**
 * Where a version stands on `day`, for the versions list:
 * - `in_force`: the version in effect (what GET /procedures/{code} answers);
 * - `scheduled`: published to apply from a later day;
 * - `superseded`: published and already begun, but no longer in effect — its last day has passed, or a higher
 *   version applies now. The catalog retires a version only when its replacement already applies at
 *   publication, so one replaced by a then-scheduled version stays `published` until looked at here;
 * - `retired`: marked retired by the catalog (replaced by a version that applied, or before it ever began).
 */
export type VersionStanding = 'in_force' | 'scheduled' | 'superseded' | 'retired';

export function versionStanding(
  version: Pick<Procedure, 'version' | 'status' | 'validFrom' | 'validTo'>,
  inForce: number | undefined,
  day: string,
): VersionStanding {
  if (version.status === 'retired') return 'retired';
  if (version.version === inForce) return 'in_force';
  if (version.validFrom > day) return 'scheduled';
  return 'superseded';
}
