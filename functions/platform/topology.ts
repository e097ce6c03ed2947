/** Routes that belong to no context: health, the OpenAPI document and the human API docs. */
import * as z from 'zod';
import type { ContextTopology, RouteDecl } from '#topology/types.ts';

export const routes = {
  health: {
    id: 'getHealth',
    method: 'GET',
    path: '/health',
    function: 'platform-health',
    auth: 'public',
    summary: 'Liveness check',
    tags: ['platform'],
    schemas: { responses: { 200: { description: 'ok', schema: z.object({ status: z.literal('ok') }) } } },
  },
  openapi: {
    id: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    function: 'platform-openapi',
    auth: 'public',
    summary: 'This API as OpenAPI 3.1, generated from the schemas the handlers validate with',
    tags: ['platform'],
    schemas: { responses: { 200: { description: 'OpenAPI 3.1 document' } } },
  },
  docs: {
    id: 'getDocs',
    method: 'GET',
    path: '/docs',
    function: 'platform-docs',
    auth: 'public',
    summary: 'Human-readable API documentation (Swagger UI, served without a CDN)',
    tags: ['platform'],
    schemas: { responses: { 200: { description: 'HTML page', contentType: 'text/html' } } },
  },
  docsAsset: {
    id: 'getDocsAsset',
    method: 'GET',
    path: '/docs/{asset}',
    function: 'platform-docs',
    auth: 'public',
    summary: 'Static assets of the API documentation page',
    tags: ['platform'],
    schemas: {
      params: z.object({
        asset: z
          .string()
          .regex(/^[a-z0-9.-]+$/)
          .optional(),
      }),
      responses: { 200: { description: 'asset' } },
    },
  },
} as const satisfies Record<string, RouteDecl>;

export const topology: ContextTopology = {
  context: 'platform',
  tables: [],
  buckets: [],
  functions: [
    { name: 'platform-health', entry: 'functions/platform/handlers/health.ts', kind: 'http', memoryMb: 128 },
    { name: 'platform-openapi', entry: 'functions/platform/handlers/openapi.ts', kind: 'http', memoryMb: 256 },
    { name: 'platform-docs', entry: 'functions/platform/handlers/docs.ts', kind: 'http', memoryMb: 256 },
    {
      name: 'platform-authorize-any-user',
      entry: 'packages/platform/src/handlers/authorize-any-user.ts',
      kind: 'authorizer',
      memoryMb: 256,
    },
  ],
  routes: Object.values(routes),
  consumers: [],
  schedules: [],
};
