/** The desk's office hours: province data, with domain.md's default. */
import * as z from 'zod';
import { parseTimeOfDay } from './time.ts';

/** One opening of the desk on a working day, GMT+7 'HH:MM' (open < close). */
export interface OfficeSession {
  open: string;
  close: string;
}

/** The desk's opening hours on every working day: sessions in order, not overlapping. */
export interface OfficeHours {
  sessions: readonly OfficeSession[];
}

/** The default of domain.md (and of most provincial one-stop desks): 07:30–11:30 and 13:00–17:00. */
export const DEFAULT_OFFICE_HOURS: OfficeHours = {
  sessions: [
    { open: '07:30', close: '11:30' },
    { open: '13:00', close: '17:00' },
  ],
};

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day written HH:MM');

/** Validates office hours given as province data. */
export const officeHoursSchema = z
  .object({ sessions: z.array(z.object({ open: timeOfDay, close: timeOfDay })).min(1) })
  .superRefine((hours, ctx) => {
    let previousClose = -1;
    hours.sessions.forEach((session, index) => {
      const open = parseTimeOfDay(session.open);
      const close = parseTimeOfDay(session.close);
      if (open >= close) {
        ctx.addIssue({ code: 'custom', path: ['sessions', index], message: 'a session must open before it closes' });
      }
      if (open < previousClose) {
        ctx.addIssue({
          code: 'custom',
          path: ['sessions', index],
          message: 'sessions must be in order and must not overlap',
        });
      }
      previousClose = close;
    });
  });

/** Office minutes in one working day (480 with the default hours). */
export function officeMinutesPerDay(hours: OfficeHours = DEFAULT_OFFICE_HOURS): number {
  return hours.sessions.reduce((sum, s) => sum + parseTimeOfDay(s.close) - parseTimeOfDay(s.open), 0);
}
