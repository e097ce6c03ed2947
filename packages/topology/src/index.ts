/**
 * Every context's declaration, in one list. The CDK app and the local runtime both start here.
 */
import { topology as catalog } from '../../../functions/catalog/topology.ts';
import { topology as documents } from '../../../functions/documents/topology.ts';
import { topology as dossiers } from '../../../functions/dossiers/topology.ts';
import { topology as notifications } from '../../../functions/notifications/topology.ts';
import { topology as payments } from '../../../functions/payments/topology.ts';
import { topology as platform } from '../../../functions/platform/topology.ts';
import { topology as portal } from '../../../functions/portal/topology.ts';
import { topology as reporting } from '../../../functions/reporting/topology.ts';
import type { ConsumerDecl, ContextTopology, FunctionDecl, RouteDecl } from './types.ts';
import { outboxPublisherFunction } from './types.ts';

const CONTEXTS: ContextTopology[] = [
  platform,
  catalog,
  dossiers,
  documents,
  payments,
  notifications,
  reporting,
  portal,
];

/** A function's timeout when its declaration names none (API Gateway answers 503 after 30 s anyway). */
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 29;

export const functionTimeoutSeconds = (fn: FunctionDecl): number =>
  fn.timeoutSeconds ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS;

/**
 * A queue's visibility timeout is at least six times its function's timeout (AWS's guidance for Lambda event
 * sources: a batch still being processed, or retried inside the function, must not be redelivered meanwhile).
 * One rule, applied here, so the deployed queues and the local ones agree.
 */
export const MIN_VISIBILITY_TO_TIMEOUT_RATIO = 6;

function withVisibilityRule(consumer: ConsumerDecl, functions: FunctionDecl[]): ConsumerDecl {
  const fn = functions.find((f) => f.name === consumer.function);
  if (!fn) return consumer;
  const minimum = MIN_VISIBILITY_TO_TIMEOUT_RATIO * functionTimeoutSeconds(fn);
  return { ...consumer, visibilityTimeoutSeconds: Math.max(consumer.visibilityTimeoutSeconds, minimum) };
}

/**
 * The declared topologies, with the outbox publisher of every table that has an outbox added and every
 * consumer's visibility timeout raised to the rule above.
 */
export function allTopologies(): ContextTopology[] {
  return CONTEXTS.map((t) => {
    const functions = [
      ...t.functions,
      ...t.tables.filter((table) => table.outbox).map((table) => outboxPublisherFunction(table.name)),
    ];
    return { ...t, functions, consumers: t.consumers.map((c) => withVisibilityRule(c, functions)) };
  });
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
