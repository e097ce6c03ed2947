/** The working-day calendar and deadline engine: pure functions shared by catalog, dossiers and notifications. */
export * from './calendar.ts';
export * from './deadline.ts';
export * from './seed.ts';
export * from './time.ts';
