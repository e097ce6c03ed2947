/** The notifications context's declaration (tables, functions, routes, consumers, schedules). */
import type { ContextTopology } from '#topology/types.ts';

export const topology: ContextTopology = {
  context: 'notifications',
  tables: [],
  buckets: [],
  functions: [],
  routes: [],
  consumers: [],
  schedules: [],
};
