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
    schemas: {
      responses: {
        200: {
          description: 'ok, with what needs an operator (the working-day calendar of this year and the next)',
          schema: z.object({
            status: z.literal('ok'),
            details: z.object({
              calendar: z.object({
                status: z.enum(['ok', 'warning']),
                /** This GMT+7 year and the next. */
                checked: z.array(z.int()),
                /** Years without data: deadlines in them fail (calendar-year-missing) until loaded. */
                missing: z.array(z.int()),
                /** Years with the legally implied days, not yet the official announcement. */
                provisional: z.array(z.int()),
                warnings: z.array(z.string()),
              }),
            }),
          }),
        },
      },
    },
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
