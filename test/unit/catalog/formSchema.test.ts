import { describe, expect, test } from 'vitest';
import {
  type FormSchemaDefinition,
  validateFormData,
  validateFormSchemaDefinition,
} from '#catalog/domain/formSchema.ts';

const birthForm: FormSchemaDefinition = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  title: 'Tờ khai đăng ký khai sinh',
  properties: {
    hoTenTre: { type: 'string', title: 'Họ, chữ đệm, tên của trẻ', minLength: 1, maxLength: 10 },
    ngaySinh: { type: 'string', title: 'Ngày sinh', format: 'date' },
    gioiTinh: { type: 'string', title: 'Giới tính', enum: ['Nam', 'Nữ'] },
    soDinhDanhMe: { type: 'string', title: 'Số định danh của mẹ', pattern: '^[0-9]{12}$' },
    email: { type: 'string', title: 'Thư điện tử', format: 'email' },
    soBanSao: { type: 'integer', title: 'Số bản sao', minimum: 1, maximum: 20 },
    canNang: { type: 'number', title: 'Cân nặng (kg)', minimum: 0.5, maximum: 8 },
    sinhDoi: { type: 'boolean', title: 'Sinh đôi' },
  },
  required: ['hoTenTre', 'ngaySinh', 'gioiTinh'],
  additionalProperties: false,
};

const valid = { hoTenTre: 'Trần An', ngaySinh: '2025-08-15', gioiTinh: 'Nữ' };

describe('validateFormData', () => {
  test('valid data has no errors', () => {
    expect(validateFormData(birthForm, valid)).toEqual([]);
    expect(
      validateFormData(birthForm, {
        ...valid,
        soDinhDanhMe: '079190000123',
        email: 'me@example.vn',
        soBanSao: 2,
        canNang: 3.2,
        sinhDoi: false,
      }),
    ).toEqual([]);
  });

  test('every missing required field is reported', () => {
    expect(validateFormData(birthForm, { gioiTinh: 'Nam' })).toEqual([
      { path: 'hoTenTre', message: 'is required' },
      { path: 'ngaySinh', message: 'is required' },
    ]);
  });

  test('null counts as missing for a required field', () => {
    expect(validateFormData(birthForm, { ...valid, hoTenTre: null })).toEqual([
      { path: 'hoTenTre', message: 'is required' },
    ]);
  });

  test('undeclared fields are refused (additionalProperties false)', () => {
    expect(validateFormData(birthForm, { ...valid, ghiChu: 'x' })).toEqual([
      { path: 'ghiChu', message: 'is not a field of this form' },
    ]);
  });

  test.each([
    ['hoTenTre', '', 'must have at least 1 characters'],
    ['hoTenTre', 'Nguyễn Văn Anh', 'must have at most 10 characters'],
    ['hoTenTre', 42, 'must be a string'],
    ['gioiTinh', 'Khác', 'must be one of: Nam, Nữ'],
    ['ngaySinh', '15/08/2025', 'must be a date (YYYY-MM-DD)'],
    ['ngaySinh', '2025-02-29', 'must be a date (YYYY-MM-DD)'],
    ['ngaySinh', '2025-13-01', 'must be a date (YYYY-MM-DD)'],
    ['soDinhDanhMe', '07919000012', 'has an invalid format'],
    ['email', 'not-an-address', 'must be an e-mail address'],
    ['soBanSao', 2.5, 'must be an integer'],
    ['soBanSao', '2', 'must be an integer'],
    ['soBanSao', 0, 'must be at least 1'],
    ['soBanSao', 21, 'must be at most 20'],
    ['canNang', 9, 'must be at most 8'],
    ['canNang', Number.NaN, 'must be a number'],
    ['sinhDoi', 'true', 'must be true or false'],
  ])('%s = %j → %s', (field, value, message) => {
    expect(validateFormData(birthForm, { ...valid, [field]: value })).toEqual([{ path: field, message }]);
  });

  test('a leap day is a date in a leap year', () => {
    expect(validateFormData(birthForm, { ...valid, ngaySinh: '2024-02-29' })).toEqual([]);
  });

  test('lengths count characters, not UTF-16 units', () => {
    const form: FormSchemaDefinition = {
      type: 'object',
      properties: { kyHieu: { type: 'string', title: 'Ký hiệu', maxLength: 1 } },
      additionalProperties: false,
    };
    expect(validateFormData(form, { kyHieu: '𠀧' })).toEqual([]);
    expect(validateFormData(form, { kyHieu: 'Đà' })).toEqual([
      { path: 'kyHieu', message: 'must have at most 1 characters' },
    ]);
  });

  test('a non-object is one error at the root', () => {
    expect(validateFormData(birthForm, [valid])).toEqual([{ path: '', message: 'must be an object' }]);
    expect(validateFormData(birthForm, 'x', { pathPrefix: 'formData' })).toEqual([
      { path: 'formData', message: 'must be an object' },
    ]);
  });

  test('pathPrefix is put before field names', () => {
    expect(validateFormData(birthForm, { ...valid, gioiTinh: 'X' }, { pathPrefix: 'formData' })).toEqual([
      { path: 'formData.gioiTinh', message: 'must be one of: Nam, Nữ' },
    ]);
  });

  test('a field named like an Object.prototype member is not declared by accident', () => {
    expect(validateFormData(birthForm, { ...valid, toString: 'x' })).toEqual([
      { path: 'toString', message: 'is not a field of this form' },
    ]);
  });
});

describe('validateFormSchemaDefinition', () => {
  test('the supported subset is accepted', () => {
    expect(validateFormSchemaDefinition(birthForm)).toEqual([]);
  });

  test('an unsupported keyword at the root is named', () => {
    expect(validateFormSchemaDefinition({ ...birthForm, oneOf: [] })).toEqual([
      { path: 'oneOf', message: "unsupported keyword 'oneOf'" },
    ]);
  });

  test('an unsupported keyword in a field is named with its path', () => {
    const schema = {
      ...birthForm,
      properties: { ...birthForm.properties, soBanSao: { type: 'integer', title: 'Số bản sao', exclusiveMinimum: 0 } },
    };
    expect(validateFormSchemaDefinition(schema)).toEqual([
      { path: 'properties.soBanSao.exclusiveMinimum', message: "unsupported keyword 'exclusiveMinimum'" },
    ]);
  });

  test('a keyword of another type is unsupported (minLength on an integer)', () => {
    const schema = {
      ...birthForm,
      properties: { soBanSao: { type: 'integer', title: 'Số', minLength: 1 } },
      required: [],
    };
    expect(validateFormSchemaDefinition(schema)).toEqual([
      { path: 'properties.soBanSao.minLength', message: "unsupported keyword 'minLength'" },
    ]);
  });

  test.each(['array', 'object', 'null'])('field type %s is unsupported', (type) => {
    const schema = { ...birthForm, properties: { x: { type, title: 'X' } }, required: [] };
    expect(validateFormSchemaDefinition(schema)).toEqual([
      { path: 'properties.x.type', message: expect.stringContaining('unsupported field type') },
    ]);
  });

  test('additionalProperties must be false', () => {
    const errors = validateFormSchemaDefinition({ ...birthForm, additionalProperties: true });
    expect(errors.map((error) => error.path)).toEqual(['additionalProperties']);
  });

  test('another dialect is refused', () => {
    const errors = validateFormSchemaDefinition({ ...birthForm, $schema: 'http://json-schema.org/draft-07/schema#' });
    expect(errors.map((error) => error.path)).toEqual(['$schema']);
  });

  test('unsupported format is refused', () => {
    const schema = { ...birthForm, properties: { x: { type: 'string', title: 'X', format: 'uri' } }, required: [] };
    expect(validateFormSchemaDefinition(schema).map((error) => error.path)).toEqual(['properties.x.format']);
  });

  test('fields need a title', () => {
    const schema = { ...birthForm, properties: { x: { type: 'string' } }, required: [] };
    expect(validateFormSchemaDefinition(schema).map((error) => error.path)).toEqual(['properties.x.title']);
  });

  test('required must name declared fields, once each', () => {
    const errors = validateFormSchemaDefinition({ ...birthForm, required: ['hoTenTre', 'hoTen', 'hoTenTre'] });
    expect(errors).toEqual([
      { path: 'required.1', message: "required names an undeclared field 'hoTen'" },
      { path: 'required.2', message: "'hoTenTre' is listed twice" },
    ]);
  });

  test('bounds must be ordered and patterns must compile', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: 'string', title: 'A', minLength: 5, maxLength: 2 },
        b: { type: 'integer', title: 'B', minimum: 10, maximum: 1 },
        c: { type: 'string', title: 'C', pattern: '([0-9' },
      },
      additionalProperties: false,
    };
    expect(validateFormSchemaDefinition(schema).map((error) => error.path)).toEqual([
      'properties.a.minLength',
      'properties.b.minimum',
      'properties.c.pattern',
    ]);
  });

  test('not an object at all', () => {
    expect(validateFormSchemaDefinition('{}')).toHaveLength(1);
    expect(validateFormSchemaDefinition({ type: 'array' }).length).toBeGreaterThan(0);
  });
});
