/** The dossiers context's declaration (tables, functions, routes, consumers, schedules). */
import type { ContextTopology } from '#topology/types.ts';

export const topology: ContextTopology = {
  context: 'dossiers',
  tables: [],
  buckets: [],
  functions: [],
  routes: [],
  consumers: [],
  schedules: [],
};
