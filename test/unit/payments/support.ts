import { createHmac } from 'node:crypto';
import type { HttpClient } from '#payments/domain/gateway.ts';

export const hmac512 = (secret: string, data: string): string =>
  createHmac('sha512', secret).update(data, 'utf8').digest('hex');
export const hmac256 = (secret: string, data: string): string =>
  createHmac('sha256', secret).update(data, 'utf8').digest('hex');

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** An HttpClient that records every request and answers from a queue (or a function of the request). */
export function fakeHttp(
  answers: ({ status: number; body: string } | ((req: RecordedRequest) => { status: number; body: string }))[],
): {
  http: HttpClient;
  requests: RecordedRequest[];
} {
  const requests: RecordedRequest[] = [];
  const http: HttpClient = async (url, init) => {
    const req = { url, method: init.method, headers: init.headers, body: init.body ?? '' };
    requests.push(req);
    const next = answers.shift();
    if (!next) throw new Error('unexpected request');
    return typeof next === 'function' ? next(req) : next;
  };
  return { http, requests };
}

export const noHttp: HttpClient = async () => {
  throw new Error('no network expected');
};

/** 2026-11-22 10:05:30 in Vietnam. */
export const T0 = new Date('2026-11-22T03:05:30Z');
export const minutes = (n: number): number => n * 60_000;
export const at = (ms: number): Date => new Date(T0.getTime() + ms);
