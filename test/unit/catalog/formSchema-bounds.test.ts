/**
 * Bounds on admin-supplied form schemas: patterns run in linear time (RE2), patterns RE2 cannot run in linear
 * time are refused when saved, and enums and field counts are bounded so a schema always fits its item.
 */
import { describe, expect, test } from 'vitest';
import {
  type FormSchemaDefinition,
  MAX_ENUM_VALUES,
  MAX_FORM_FIELDS,
  validateFormData,
  validateFormSchemaDefinition,
} from '#catalog/domain/formSchema.ts';

const formWith = (properties: Record<string, unknown>): unknown => ({
  type: 'object',
  properties,
  additionalProperties: false,
});

describe('patterns', () => {
  test('a pattern that backtracks catastrophically in a backtracking engine is matched in linear time', () => {
    // With RegExp, `^(a+)+$` on 30,000 a's and a `!` runs for longer than the universe; RE2 answers at once
    // (the test's timeout is what would fail).
    const schema = formWith({ ten: { type: 'string', title: 'Tên', pattern: '^(a+)+$' } }) as FormSchemaDefinition;
    expect(validateFormSchemaDefinition(schema)).toEqual([]);
    expect(validateFormData(schema, { ten: `${'a'.repeat(30_000)}!` })).toEqual([
      { path: 'ten', message: 'has an invalid format' },
    ]);
    expect(validateFormData(schema, { ten: 'aaaa' })).toEqual([]);
  });

  test.each([
    ['a backreference', '^(a)\\1$'],
    ['a lookahead', '^(?=a)a$'],
    ['a lookbehind', '(?<=a)b'],
    ['an invalid expression', '(['],
  ])('%s is refused when the schema is saved', (_what, pattern) => {
    const errors = validateFormSchemaDefinition(formWith({ ten: { type: 'string', title: 'Tên', pattern } }));
    expect(errors).toEqual([{ path: 'properties.ten.pattern', message: expect.stringMatching(/RE2/) }]);
  });

  test('the seed catalog’s patterns keep working', () => {
    const schema = formWith({
      so: { type: 'string', title: 'Số định danh', pattern: '^[0-9]{12}$' },
      dt: { type: 'string', title: 'Điện thoại', pattern: '^[0-9+ ]{8,15}$' },
    }) as FormSchemaDefinition;
    expect(validateFormSchemaDefinition(schema)).toEqual([]);
    expect(validateFormData(schema, { so: '001099012345', dt: '+84 912345678' })).toEqual([]);
    expect(validateFormData(schema, { so: '00109901234x' })).toEqual([
      { path: 'so', message: 'has an invalid format' },
    ]);
  });
});

describe('sizes', () => {
  test(`an enum of more than ${MAX_ENUM_VALUES} values is refused`, () => {
    const values = Array.from({ length: 40_000 }, (_, i) => `v${i}`);
    const errors = validateFormSchemaDefinition(formWith({ loai: { type: 'string', title: 'Loại', enum: values } }));
    expect(errors.map((e) => e.path)).toEqual(['properties.loai.enum']);
  });

  test(`more than ${MAX_FORM_FIELDS} fields are refused`, () => {
    const fields = Object.fromEntries(
      Array.from({ length: MAX_FORM_FIELDS + 1 }, (_, i) => [`f${i}`, { type: 'boolean', title: `F${i}` }]),
    );
    expect(validateFormSchemaDefinition(formWith(fields)).map((e) => e.path)).toEqual(['properties']);
    const atLimit = Object.fromEntries(Object.entries(fields).slice(0, MAX_FORM_FIELDS));
    expect(validateFormSchemaDefinition(formWith(atLimit))).toEqual([]);
  });
});
