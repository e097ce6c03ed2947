/**
 * The operators' catalog tool: `npm run catalog -- import|export <file> [options]`.
 *
 * By default it talks to the HTTP API (`--api`, default $MOTCUA_API_URL or http://localhost:3000) with an admin
 * token (`--token` or $MOTCUA_TOKEN; against a local API it gets one from /dev/token itself). The import is
 * validated server-side row by row (`POST /catalog/imports`): if any row fails, nothing is stored and every
 * error is printed as `row N, field F: message`, exit code 1.
 *
 * With `--table <physical table name>` it runs the same use cases in this process against DynamoDB instead
 * (region and credentials from the usual AWS environment; AWS_ENDPOINT_URL_DYNAMODB for DynamoDB Local), for
 * operators with IAM access and no API token.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { type CatalogKind, exportCsv, exportJson, type ImportFormat } from './domain/importExport.ts';
import type { Agency, Procedure } from './domain/schemas.ts';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = `usage: npm run catalog -- import <file> [--kind agencies|procedures] [--format json|csv] [connection]
       npm run catalog -- export <file> [--kind agencies|procedures] [--format json|csv] [connection]
connection: [--api <url>] [--token <admin token>]   (default $MOTCUA_API_URL or http://localhost:3000; a local API
            gives the tool a token itself)
            --table <physical table name>           (use DynamoDB directly through the AWS environment)
--kind defaults from the file name (agencies…, procedures…); --format from its extension (.csv, .json).`;

class UsageError extends Error {}

interface Options {
  command: 'import' | 'export';
  file: string;
  kind: CatalogKind;
  format?: ImportFormat;
  api: string;
  token?: string;
  table?: string;
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      kind: { type: 'string' },
      format: { type: 'string' },
      api: { type: 'string' },
      token: { type: 'string' },
      table: { type: 'string' },
    },
  });
  const [command, file, ...rest] = positionals;
  if ((command !== 'import' && command !== 'export') || !file || rest.length > 0) throw new UsageError(USAGE);
  const name = basename(file).toLowerCase();
  const kind =
    values.kind ?? (name.startsWith('agenc') ? 'agencies' : name.startsWith('procedure') ? 'procedures' : undefined);
  if (kind !== 'agencies' && kind !== 'procedures') {
    throw new UsageError('--kind must be agencies or procedures (it cannot be told from the file name)');
  }
  const extension = extname(name).slice(1);
  const format = values.format ?? (extension === 'csv' || extension === 'json' ? extension : undefined);
  if (format !== undefined && format !== 'json' && format !== 'csv')
    throw new UsageError('--format must be json or csv');
  if (command === 'export' && format === undefined) throw new UsageError('--format is needed (json or csv)');
  return {
    command,
    file,
    kind,
    ...(format ? { format } : {}),
    api: (values.api ?? env.MOTCUA_API_URL ?? 'http://localhost:3000').replace(/\/+$/, ''),
    ...((values.token ?? env.MOTCUA_TOKEN) ? { token: values.token ?? env.MOTCUA_TOKEN } : {}),
    ...(values.table ? { table: values.table } : {}),
  };
}

interface RowError {
  row: number;
  field: string;
  message: string;
}

const rowLine = (e: RowError) =>
  e.field === '' ? `row ${e.row}: ${e.message}` : `row ${e.row}, field ${e.field}: ${e.message}`;

// ---------------------------------------------------------------------------------------------------------
// Through the HTTP API

interface ApiResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON of the API, read field by field below
  json: any;
}

async function call(options: Options, path: string, token: string, body?: unknown): Promise<ApiResponse> {
  const response = await fetch(options.api + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'accept-language': 'en',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = { detail: text };
  }
  return { status: response.status, json };
}

async function adminToken(options: Options): Promise<string> {
  if (options.token) return options.token;
  const host = new URL(options.api).hostname;
  if (host !== 'localhost' && host !== '127.0.0.1' && host !== '::1') {
    throw new UsageError(`--token (an admin token for ${options.api}) is required`);
  }
  const response = await fetch(`${options.api}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: 'catalog-cli', roles: ['admin'], name: 'catalog CLI' }),
  });
  if (!response.ok)
    throw new Error(`could not get a local admin token from ${options.api}/dev/token (${response.status})`);
  return ((await response.json()) as { token: string }).token;
}

function failure(io: CliIo, response: ApiResponse): number {
  const problem = response.json ?? {};
  io.err(`${response.status} ${problem.title ?? ''}: ${problem.detail ?? problem.message ?? ''}`.trim());
  for (const e of (problem.errors ?? []) as (RowError & { path?: string })[]) {
    io.err(typeof e.row === 'number' ? rowLine(e) : `${e.path}: ${e.message}`);
  }
  return 1;
}

async function importOverApi(options: Options, io: CliIo): Promise<number> {
  const content = readFileSync(options.file, 'utf8');
  const token = await adminToken(options);
  const response = await call(options, '/catalog/imports', token, {
    kind: options.kind,
    content,
    ...(options.format ? { format: options.format } : {}),
  });
  if (response.status !== 200) return failure(io, response);
  printSummary(io, options, response.json);
  return 0;
}

async function exportOverApi(options: Options, io: CliIo): Promise<number> {
  const token = await adminToken(options);
  const items: unknown[] = [];
  let cursor: string | undefined;
  do {
    const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
    const response = await call(options, `/catalog/exports/${options.kind}${query}`, token);
    if (response.status !== 200) return failure(io, response);
    items.push(...response.json.items);
    cursor = response.json.nextCursor;
  } while (cursor);
  writeExport(options, items, io);
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// Directly against DynamoDB

async function importDirect(options: Options, io: CliIo): Promise<number> {
  process.env.TABLE_CATALOG = options.table;
  const { importCatalog } = await import('./use-cases.ts');
  const outcome = await importCatalog(options.kind, readFileSync(options.file, 'utf8'), {
    actor: { sub: `cli:${process.env.USER ?? 'operator'}` },
    ...(options.format ? { format: options.format } : {}),
  });
  if (!outcome.ok) {
    io.err(`${options.file}: nothing was imported`);
    for (const e of outcome.errors) io.err(rowLine(e));
    return 1;
  }
  printSummary(io, options, outcome.summary);
  return 0;
}

async function exportDirect(options: Options, io: CliIo): Promise<number> {
  process.env.TABLE_CATALOG = options.table;
  const { exportCatalog } = await import('./use-cases.ts');
  const items: unknown[] = [];
  let cursor: string | undefined;
  do {
    const page = await exportCatalog(options.kind, cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  writeExport(options, items, io);
  return 0;
}

// ---------------------------------------------------------------------------------------------------------

function printSummary(
  io: CliIo,
  options: Options,
  summary: { total: number; changed: number; unchanged: number; skipped: number },
): void {
  io.out(
    `imported ${options.file} (${options.kind}): ${summary.total} rows, ${summary.changed} changed, ` +
      `${summary.unchanged} unchanged, ${summary.skipped} skipped`,
  );
}

function writeExport(options: Options, items: unknown[], io: CliIo): void {
  const text =
    options.format === 'csv'
      ? options.kind === 'agencies'
        ? exportCsv('agencies', items as Agency[])
        : exportCsv('procedures', items as Procedure[])
      : exportJson(items as (Agency | Procedure)[]);
  writeFileSync(options.file, text, 'utf8');
  io.out(`exported ${items.length} ${options.kind} to ${options.file}`);
}

/** Runs the CLI; returns the exit code (0 done, 1 refused or failed, 2 usage). */
export async function runCatalogCli(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(argv, env);
  } catch (error) {
    io.err(error instanceof UsageError ? error.message : `${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    if (options.table)
      return options.command === 'import' ? await importDirect(options, io) : await exportDirect(options, io);
    return options.command === 'import' ? await importOverApi(options, io) : await exportOverApi(options, io);
  } catch (error) {
    io.err(error instanceof UsageError ? error.message : `error: ${(error as Error).message}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

if (import.meta.main) {
  const code = await runCatalogCli(process.argv.slice(2), {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
  process.exitCode = code;
}
