/**
 * Every context's declaration, in one list. The CDK app and the local runtime both start here.
 */
import { topology as catalog } from '../../../functions/catalog/topology.ts';
import { topology as documents } from '../../../functions/documents/topology.ts';
import { topology as dossiers } from '../../../functions/dossiers/topology.ts';
import { topology as notifications } from '../../../functions/notifications/topology.ts';
import { topology as payments } from '../../../functions/payments/topology.ts';
import { topology as platform } from '../../../functions/platform/topology.ts';
import { topology as reporting } from '../../../functions/reporting/topology.ts';
import type { ContextTopology, FunctionDecl, RouteDecl } from './types.ts';
import { outboxPublisherFunction } from './types.ts';

const CONTEXTS: ContextTopology[] = [platform, catalog, dossiers, documents, payments, notifications, reporting];

/** The declared topologies, with the outbox publisher of every table that has an outbox added. */
export function allTopologies(): ContextTopology[] {
  return CONTEXTS.map((t) => ({
    ...t,
    functions: [
      ...t.functions,
      ...t.tables.filter((table) => table.outbox).map((table) => outboxPublisherFunction(table.name)),
    ],
  }));
}

export function allRoutes(): RouteDecl[] {
  return allTopologies().flatMap((t) => t.routes);
}

export function allFunctions(): FunctionDecl[] {
  return allTopologies().flatMap((t) => t.functions);
}

export function functionNamed(name: string): FunctionDecl {
  const found = allFunctions().find((f) => f.name === name);
  if (!found) throw new Error(`No function named ${name} in the topology`);
  return found;
}
