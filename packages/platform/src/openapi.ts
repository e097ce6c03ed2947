/**
 * OpenAPI 3.1 generated from the topology's route declarations and the very zod schemas the handlers
 * validate with (zod 4's JSON Schema output is draft 2020-12, which OpenAPI 3.1 uses as is).
 */
import * as z from 'zod';
import type { ContextTopology, RouteDecl } from '#topology/types.ts';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query' | 'header'): unknown[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' ? true : required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

/** The problems any route may answer, by what its declaration says it takes (see `operation`). */
const COMMON_PROBLEMS: Record<string, string> = {
  '400': 'The request is not valid: the problem lists each field and why',
  '401': 'No valid token (missing, expired, or from an issuer this province does not trust)',
  '403': 'The caller may not do this (role, agency or ownership)',
  '404': 'No such resource, or not one the caller may see',
  '429': 'Too many requests: the route’s throttle; retry later',
};

function securityOf(route: RouteDecl): unknown[] | undefined {
  switch (route.auth) {
    case 'citizen':
      return [{ citizenToken: [] }];
    case 'official':
      return [{ officialToken: [] }];
    case 'user':
      return [{ citizenToken: [] }, { officialToken: [] }];
    default:
      return [];
  }
}

function operation(route: RouteDecl): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(route.schemas.responses ?? {})) {
    const contentType = response.contentType ?? 'application/json';
    responses[status] = {
      description: response.description,
      ...(response.schema ? { content: { [contentType]: { schema: jsonSchema(response.schema, 'output') } } } : {}),
    };
  }
  // The 4xx answers every route can give by how it is declared, beside those its schemas name.
  const withToken = route.auth === 'citizen' || route.auth === 'official' || route.auth === 'user';
  for (const [status, applies] of [
    ['400', Boolean(route.schemas.params || route.schemas.query || route.schemas.headers || route.schemas.body)],
    ['401', withToken],
    ['403', withToken],
    ['404', route.path.includes('{')],
    ['429', true],
  ] as const) {
    if (applies && responses[status] === undefined) responses[status] = { $ref: `#/components/responses/${status}` };
  }
  responses.default = {
    description: 'Problem details (RFC 9457), in Vietnamese or English by Accept-Language',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
  const parameters = [
    ...parametersOf(route.schemas.params, 'path'),
    ...parametersOf(route.schemas.query, 'query'),
    ...parametersOf(route.schemas.headers, 'header'),
  ];
  return {
    operationId: route.id,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: route.tags,
    security: securityOf(route),
    ...(route.roles ? { 'x-roles': route.roles } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.schemas.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(route.schemas.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

export function buildOpenApi(
  topologies: ContextTopology[],
  info: { title: string; version: string },
  options: { includeDev?: boolean; serverUrl?: string } = {},
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of topologies.flatMap((t) => t.routes)) {
    if (!options.includeDev && route.path.startsWith('/dev/')) continue;
    paths[route.path] ??= {};
    const entry = paths[route.path]!;
    entry[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      ...info,
      description:
        'motcua: a province’s online public services (dịch vụ công trực tuyến). Errors are RFC 9457 problem details.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    // The API's own address when the caller knows it (the served document), else relative to the document.
    servers: [{ url: options.serverUrl ?? '/', description: 'this province' }],
    paths,
    components: {
      schemas: { Problem: problemSchema },
      responses: Object.fromEntries(
        Object.entries(COMMON_PROBLEMS).map(([status, description]) => [
          status,
          {
            description,
            content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
          },
        ]),
      ),
      securitySchemes: {
        citizenToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'National e-identity (VNeID)',
        },
        officialToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "Province's identity provider",
        },
      },
    },
  };
}
