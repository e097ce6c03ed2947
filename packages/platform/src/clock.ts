/**
 * The one clock. Every piece of code that needs "now" asks `now()`, so that the local runtime can move time
 * (`POST /dev/clock`) and deadlines, expiries and reports can be shown and tested without waiting.
 *
 * On AWS nothing ever sets an override, and `now()` is the system time. Locally the override is an offset
 * from real time, so a moved clock keeps ticking.
 */
let offsetMs = 0;

export function now(): Date {
  return new Date(Date.now() + offsetMs);
}

export function nowIso(): string {
  return now().toISOString();
}

/** Local development only: make `now()` read `moment` from this instant on (it keeps ticking). */
export function setClock(moment: Date): void {
  offsetMs = moment.getTime() - Date.now();
}

export function resetClock(): void {
  offsetMs = 0;
}

export function clockOffsetMs(): number {
  return offsetMs;
}
