/**
 * RFC 9457 problem details, in Vietnamese or English by Accept-Language. Every error a route can return
 * goes through `toProblem`, the one place where error classes become HTTP status codes.
 */
import * as z from 'zod';
// Only the two locales we serve: importing them through `z.locales` would bundle every language zod ships.
import en from 'zod/v4/locales/en.js';
import vi from 'zod/v4/locales/vi.js';
import { isItemTooLarge, MAX_ITEM_BYTES, TooLargeError } from './bounds.ts';
import { AppError, type FieldError, ValidationError } from './errors.ts';

export type Language = 'vi' | 'en';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://motcua.gov.vn/problems/';

/** Vietnamese unless the caller prefers English (q-values honoured). */
export function pickLanguage(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return 'vi';
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((l) => l.tag !== '' && !Number.isNaN(l.q) && l.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag.startsWith('vi')) return 'vi';
    if (tag.startsWith('en')) return 'en';
  }
  return 'vi';
}

const viLocale = vi();
const enLocale = en();

/** Zod error messages in the caller's language. */
export function zodErrorMap(language: Language) {
  return language === 'vi' ? viLocale.localeError : enLocale.localeError;
}

export function fieldErrorsFromZod(error: z.ZodError, prefix: string): FieldError[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.'),
    message: issue.message,
  }));
}

export interface ProblemResponse {
  status: number;
  body: Record<string, unknown>;
}

export function toProblem(error: unknown, language: Language, instance?: string): ProblemResponse {
  if (error instanceof AppError) {
    const body: Record<string, unknown> = {
      type: TYPE_BASE + error.kind,
      title: error.title[language],
      status: error.status,
      detail: error.detail[language],
      ...error.extensions,
    };
    if (instance) body.instance = instance;
    return { status: error.status, body };
  }
  if (error instanceof z.ZodError) {
    return toProblem(new ValidationError(fieldErrorsFromZod(error, '')), language, instance);
  }
  // The write was refused as a whole, so nothing changed: the caller sent too much, not a server fault.
  if (isItemTooLarge(error)) {
    return toProblem(
      new TooLargeError({ vi: 'Dữ liệu', en: 'The data' }, MAX_ITEM_BYTES + 1, MAX_ITEM_BYTES),
      language,
      instance,
    );
  }
  return {
    status: 500,
    body: {
      type: TYPE_BASE + 'internal',
      title: language === 'vi' ? 'Lỗi hệ thống' : 'Internal error',
      status: 500,
      detail:
        language === 'vi'
          ? 'Đã có lỗi ngoài dự kiến; yêu cầu chưa được thực hiện. Vui lòng thử lại.'
          : 'An unexpected error occurred; nothing was changed. Please try again.',
      ...(instance ? { instance } : {}),
    },
  };
}
