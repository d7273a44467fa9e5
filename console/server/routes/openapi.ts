/** OpenAPI 3.1 document generated from the route table and the zod schemas the routes validate with. */
import { z } from 'zod';
import type { AnyRoute } from '../http/route';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
};

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        field: { type: 'string' },
        correlationId: {
          type: 'string',
          description: '5xx only: find the cause in the server log under this id',
        },
      },
    },
  },
};

export function buildOpenApi(routes: readonly AnyRoute[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const pathParams = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams: JsonSchema[] = [];
    if (route.query) {
      const schema = toSchema(route.query as z.ZodType);
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema.required ?? []) as string[]);
      for (const [name, property] of Object.entries(properties))
        queryParams.push({ name, in: 'query', required: required.has(name), schema: property });
    }
    const responses: Record<string, JsonSchema> = {
      [route.returns === '204'
        ? '204'
        : route.method === 'post' && route.path !== '/api/session'
          ? '201'
          : '200']: {
        description: route.returns,
        ...(route.returns === '204'
          ? {}
          : {
              content: {
                [route.produces ?? 'application/json']: {
                  schema: { description: `see console/shared/index.ts: ${route.returns}` },
                },
              },
            }),
      },
      default: { description: 'error', content: { 'application/json': { schema: errorSchema } } },
    };
    (paths[path] ??= {})[route.method] = {
      summary: route.summary,
      tags: [route.tag],
      'x-permission': route.permission,
      ...(route.permission === 'public' ? { security: [] } : {}),
      parameters: [...pathParams, ...queryParams],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: toSchema(route.body as z.ZodType) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'egov-noc console API',
      version,
      description:
        'REST API of the egov-noc console. Sign in with POST /api/session (cookie) and send the returned csrfToken as ' +
        'x-csrf-token on every state-changing request, or use an API token as Authorization: Bearer. The live ' +
        'stream is the WebSocket at /api/stream (docs/websocket.md).',
    },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'egov_session' },
        token: { type: 'http', scheme: 'bearer' },
      },
    },
    security: [{ session: [] }, { token: [] }],
    paths,
  };
}
