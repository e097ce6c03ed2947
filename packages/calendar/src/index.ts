/**
 * The shared kernel for time: GMT+7, office hours, the working-day calendar, deadlines and timeliness. Pure
 * functions shared by catalog, dossiers, notifications and reporting; the only place doing working-time arithmetic.
 */
export * from './calendar.ts';
export * from './deadline.ts';
export * from './seed.ts';
export * from './time.ts';
export * from './timeliness.ts';
