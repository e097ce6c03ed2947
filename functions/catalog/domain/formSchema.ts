/**
 * The application form of a procedure is described by a small subset of JSON Schema draft 2020-12: one flat
 * object of string / integer / number / boolean fields. The subset is deliberately narrow so that a form can be
 * rendered by any client and validated here without a JSON Schema engine (we cannot add ajv).
 *
 * Supported, per field: `title` (required — shown to the applicant, in Vietnamese), `description`, and
 * - string: `minLength`, `maxLength`, `pattern` (ECMAScript, unanchored as in JSON Schema), `enum`,
 *   `format` 'date' (YYYY-MM-DD) | 'email';
 * - integer / number: `minimum`, `maximum`, `enum`;
 * - boolean: nothing more.
 * At the root: `$schema`, `title`, `description`, `type: 'object'`, `properties`, `required`,
 * `additionalProperties: false` (mandatory: a form never accepts fields it does not declare).
 *
 * Fee quantities: a procedure whose fees depend on pages or copies declares the integer fields `soTrang` and
 * `soBanSao` (see `fees.ts`).
 *
 * Bounds (a schema is stored in one DynamoDB item and copied into the dossiers context): at most
 * MAX_FORM_FIELDS fields, MAX_ENUM_VALUES values per enum. Patterns are written by admins and run against
 * applicants' input, so they are matched by a linear-time engine (RE2, via re2js): a pattern such as `(a+)+$`
 * cannot backtrack catastrophically, and one RE2 cannot run in linear time (backreferences, lookaround) is
 * refused when the procedure is saved. See docs/decisions/0012-hardening.md.
 */
import { RE2JS } from 're2js';
import * as z from 'zod';
import type { FieldError } from '#platform/errors.ts';
import { joinPath, splitPath } from './paths.ts';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

const FIELD_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export const MAX_FORM_FIELDS = 200;
export const MAX_ENUM_VALUES = 500;

const fieldTitle = z.string().min(1).max(200).describe('Label shown to the applicant (Vietnamese).');
const fieldDescription = z.string().min(1).max(1000).describe('Help text shown under the field.').optional();

const StringFieldSchema = z.strictObject({
  type: z.literal('string'),
  title: fieldTitle,
  description: fieldDescription,
  minLength: z.int().min(0).optional().describe('Minimum length in characters (code points).'),
  maxLength: z.int().min(0).optional().describe('Maximum length in characters (code points).'),
  pattern: z.string().min(1).max(500).optional().describe('ECMAScript regular expression the value must match.'),
  format: z.enum(['date', 'email']).optional().describe("'date' = YYYY-MM-DD; 'email' = an e-mail address."),
  enum: z.array(z.string().max(500)).min(1).max(MAX_ENUM_VALUES).optional().describe('The only values allowed.'),
});

const IntegerFieldSchema = z.strictObject({
  type: z.literal('integer'),
  title: fieldTitle,
  description: fieldDescription,
  minimum: z.number().optional().describe('Inclusive lower bound.'),
  maximum: z.number().optional().describe('Inclusive upper bound.'),
  enum: z.array(z.int()).min(1).max(MAX_ENUM_VALUES).optional().describe('The only values allowed.'),
});

const NumberFieldSchema = z.strictObject({
  type: z.literal('number'),
  title: fieldTitle,
  description: fieldDescription,
  minimum: z.number().optional().describe('Inclusive lower bound.'),
  maximum: z.number().optional().describe('Inclusive upper bound.'),
  enum: z.array(z.number()).min(1).max(MAX_ENUM_VALUES).optional().describe('The only values allowed.'),
});

const BooleanFieldSchema = z.strictObject({
  type: z.literal('boolean'),
  title: fieldTitle,
  description: fieldDescription,
});

/** One field of a procedure form. */
export const FormFieldSchema = z
  .discriminatedUnion('type', [StringFieldSchema, IntegerFieldSchema, NumberFieldSchema, BooleanFieldSchema])
  .describe('A form field: JSON Schema subset (string, integer, number or boolean).');

/** A procedure form: a flat JSON Schema (draft 2020-12 subset) object. */
export const FormSchemaDefinitionSchema = z
  .strictObject({
    $schema: z.literal(JSON_SCHEMA_DIALECT).optional().describe('JSON Schema dialect; only 2020-12 is accepted.'),
    type: z.literal('object'),
    title: z.string().min(1).max(300).optional().describe('Title of the form (Vietnamese).'),
    description: z.string().min(1).max(2000).optional(),
    properties: z
      .record(z.string().regex(FIELD_NAME_PATTERN), FormFieldSchema)
      .refine((fields) => Object.keys(fields).length <= MAX_FORM_FIELDS, `at most ${MAX_FORM_FIELDS} fields`)
      .meta({ maxProperties: MAX_FORM_FIELDS })
      .describe('Fields by name (letters, digits, underscore; starting with a letter).'),
    required: z
      .array(z.string().max(64))
      .max(MAX_FORM_FIELDS)
      .optional()
      .describe('Names of the fields the applicant must fill.'),
    additionalProperties: z.literal(false).describe('Always false: undeclared fields are rejected.'),
  })
  .superRefine((schema, ctx) => {
    for (const error of semanticErrors(schema)) {
      ctx.addIssue({ code: 'custom', path: splitPath(error.path), message: error.message });
    }
  })
  .describe('Application form as a JSON Schema (draft 2020-12 subset: flat object of scalar fields).');

export type FormField = z.infer<typeof FormFieldSchema>;
export type FormSchemaDefinition = z.infer<typeof FormSchemaDefinitionSchema>;

/** Rules a structurally valid schema must also meet; paths are relative to the schema root. */
function semanticErrors(schema: FormSchemaDefinition): FieldError[] {
  const errors: FieldError[] = [];
  const required = schema.required ?? [];
  required.forEach((name, index) => {
    if (!Object.hasOwn(schema.properties, name)) {
      errors.push({ path: `required.${index}`, message: `required names an undeclared field '${name}'` });
    }
    if (required.indexOf(name) !== index) {
      errors.push({ path: `required.${index}`, message: `'${name}' is listed twice` });
    }
  });
  for (const [name, field] of Object.entries(schema.properties)) {
    const at = `properties.${name}`;
    if (field.type === 'string') {
      if (field.minLength !== undefined && field.maxLength !== undefined && field.minLength > field.maxLength) {
        errors.push({ path: `${at}.minLength`, message: 'minLength is greater than maxLength' });
      }
      if (field.pattern !== undefined && compilePattern(field.pattern) === undefined) {
        errors.push({
          path: `${at}.pattern`,
          message:
            'pattern must be a regular expression in the common subset of ECMAScript and RE2 (no backreferences, no lookaround)',
        });
      }
    } else if (field.type === 'integer' || field.type === 'number') {
      if (field.minimum !== undefined && field.maximum !== undefined && field.minimum > field.maximum) {
        errors.push({ path: `${at}.minimum`, message: 'minimum is greater than maximum' });
      }
    }
  }
  return errors;
}

const compiledPatterns = new Map<string, RE2JS | undefined>();

/**
 * The pattern as a linear-time matcher, or undefined when it is not valid both as an ECMAScript pattern
 * (clients validate with it) and in RE2 (the server matches with it, in time linear in the input).
 */
export function compilePattern(pattern: string): RE2JS | undefined {
  if (compiledPatterns.has(pattern)) return compiledPatterns.get(pattern);
  let compiled: RE2JS | undefined;
  try {
    new RegExp(pattern, 'u');
    compiled = RE2JS.compile(pattern);
  } catch {
    compiled = undefined;
  }
  if (compiledPatterns.size > 1000) compiledPatterns.clear();
  compiledPatterns.set(pattern, compiled);
  return compiled;
}

/**
 * Checks that `schema` is a form definition we can validate: the supported subset only. Unsupported keywords,
 * types and dialects are reported, one error each, with paths relative to the schema root.
 */
export function validateFormSchemaDefinition(schema: unknown): FieldError[] {
  const result = FormSchemaDefinitionSchema.safeParse(schema);
  if (result.success) return [];
  const errors: FieldError[] = [];
  for (const issue of result.error.issues) {
    const path = joinPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        errors.push({ path: joinPath([...issue.path, key]), message: `unsupported keyword '${key}'` });
      }
    } else if (issue.code === 'invalid_union' && issue.path.at(-1) === 'type') {
      errors.push({
        path,
        message: 'unsupported field type: use string, integer, number or boolean',
      });
    } else {
      errors.push({ path, message: issue.message });
    }
  }
  return errors;
}

export interface FormValidationOptions {
  /** Prefixed to every error path, e.g. 'formData' gives 'formData.hoTen'. */
  pathPrefix?: string;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
// Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is the mailer's concern.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Validates form data against a procedure form definition (assumed valid, see `validateFormSchemaDefinition`).
 * Returns every problem found, with the field name as path; an empty array means the data is valid.
 */
export function validateFormData(
  schema: FormSchemaDefinition,
  data: unknown,
  options: FormValidationOptions = {},
): FieldError[] {
  const prefix = options.pathPrefix ?? '';
  const at = (name: string) => (prefix === '' ? name : `${prefix}.${name}`);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return [{ path: prefix, message: 'must be an object' }];
  }
  const record = data as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const name of schema.required ?? []) {
    if (record[name] === undefined || record[name] === null) {
      errors.push({ path: at(name), message: 'is required' });
    }
  }
  for (const [name, value] of Object.entries(record)) {
    const field = Object.hasOwn(schema.properties, name) ? schema.properties[name] : undefined;
    if (field === undefined) {
      errors.push({ path: at(name), message: 'is not a field of this form' });
      continue;
    }
    // null stands for "left empty"; whether that is allowed is the `required` check's business.
    if (value === undefined || value === null) continue;
    const message = fieldError(field, value);
    if (message !== undefined) errors.push({ path: at(name), message });
  }
  return errors;
}

function fieldError(field: FormField, value: unknown): string | undefined {
  switch (field.type) {
    case 'string':
      return stringError(field, value);
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be an integer';
      return numberRangeError(field, value);
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
      return numberRangeError(field, value);
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
  }
}

function stringError(field: z.infer<typeof StringFieldSchema>, value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  const length = [...value].length;
  if (field.minLength !== undefined && length < field.minLength) {
    return `must have at least ${field.minLength} characters`;
  }
  if (field.maxLength !== undefined && length > field.maxLength) {
    return `must have at most ${field.maxLength} characters`;
  }
  if (field.enum !== undefined && !field.enum.includes(value)) {
    return `must be one of: ${field.enum.join(', ')}`;
  }
  if (field.pattern !== undefined && !compilePattern(field.pattern)?.matcher(value).find()) {
    return 'has an invalid format';
  }
  if (field.format === 'date' && !isCalendarDate(value)) return 'must be a date (YYYY-MM-DD)';
  if (field.format === 'email' && !EMAIL_PATTERN.test(value)) return 'must be an e-mail address';
  return undefined;
}

function numberRangeError(
  field: z.infer<typeof IntegerFieldSchema> | z.infer<typeof NumberFieldSchema>,
  value: number,
): string | undefined {
  if (field.minimum !== undefined && value < field.minimum) return `must be at least ${field.minimum}`;
  if (field.maximum !== undefined && value > field.maximum) return `must be at most ${field.maximum}`;
  if (field.enum !== undefined && !field.enum.includes(value)) return `must be one of: ${field.enum.join(', ')}`;
  return undefined;
}

function isCalendarDate(text: string): boolean {
  const match = DATE_PATTERN.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= daysInMonth;
}
