/**
 * The one API client: openapi-fetch over the generated `paths` (schema.gen.ts), so every request and response
 * the console handles is typed by the contract. Adds the official's token and the user's language to each call;
 * a 401 signs out (the session expired or was revoked).
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.gen.ts';

export type Problem = components['schemas']['Problem'] & { allowed?: string[]; current?: unknown };

export interface ClientContext {
  apiUrl: string;
  token: () => Promise<string | undefined>;
  language: () => 'vi' | 'en';
  onUnauthorized: () => void;
}

export function createApi(context: ClientContext) {
  const client = createClient<paths>({ baseUrl: context.apiUrl });
  const middleware: Middleware = {
    async onRequest({ request }) {
      const token = await context.token();
      if (token) request.headers.set('authorization', `Bearer ${token}`);
      request.headers.set('accept-language', context.language());
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) context.onUnauthorized();
      return response;
    },
  };
  client.use(middleware);
  return client;
}

export type Api = ReturnType<typeof createApi>;

/** A problem from an error body; a body that is not problem+json (a gateway's 502 page) still gets a title. */
export function asProblem(error: unknown, status: number): Problem {
  if (error && typeof error === 'object' && 'title' in error) return error as Problem;
  return { type: 'about:blank', title: `HTTP ${status}`, status };
}

/** Throws the problem of a failed call, so pages handle one shape of error. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok)
    throw new ProblemError(asProblem(result.error, result.response.status));
  return result.data as T;
}

export class ProblemError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.problem = problem;
  }
}
