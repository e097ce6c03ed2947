import { describe, expect, test } from 'vitest';
import {
  checkDeclaredUpload,
  MAX_DOCUMENT_BYTES,
  SNIFF_BYTES,
  sniffContent,
  uploadRuleFor,
} from '#documents/domain/content.ts';

const bytes = (...values: number[]) => new Uint8Array([...values, ...new Array(SNIFF_BYTES).fill(0x20)]);
const text = (value: string) => new Uint8Array(Buffer.from(value, 'latin1'));

describe('the real type of a file, from its first bytes', () => {
  test.each([
    ['%PDF-1.4 header', text('%PDF-1.4\n%âãÏÓ'), 'application/pdf'],
    ['JPEG SOI + marker', bytes(0xff, 0xd8, 0xff, 0xe0), 'image/jpeg'],
    ['PNG signature', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), 'image/png'],
    ['TIFF little-endian', bytes(0x49, 0x49, 0x2a, 0x00), 'image/tiff'],
    ['GIF89a', text('GIF89a....'), 'image/gif'],
    ['WEBP in RIFF', text('RIFF\x10\x00\x00\x00WEBPVP8 '), 'image/webp'],
  ])('%s → %s', (_name, head, contentType) => {
    expect(sniffContent(head)).toEqual({ kind: 'document', contentType });
  });

  test.each([
    ['Windows PE (MZ)', text('MZ\x90\x00\x03\x00'), 'PE'],
    ['ELF', bytes(0x7f, 0x45, 0x4c, 0x46, 0x02), 'ELF'],
    ['a shell script', text('#!/bin/sh\nrm -rf /'), 'script'],
  ])('%s is an executable whatever its name', (_name, head, format) => {
    expect(sniffContent(head)).toEqual({ kind: 'executable', format });
  });

  test('near misses are not documents: a PNG signature with one byte wrong, "%PDF" without the dash', () => {
    expect(sniffContent(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0b)).kind).toBe('unknown');
    expect(sniffContent(text('%PDF1.4')).kind).toBe('unknown');
    expect(sniffContent(bytes(0xff, 0xd8)).kind).toBe('unknown');
    expect(sniffContent(new Uint8Array()).kind).toBe('unknown');
    expect(sniffContent(text('<html><script>')).kind).toBe('unknown');
  });
});

describe('what an upload may declare', () => {
  test('without a requirement: PDF, JPEG, PNG up to 20 MB', () => {
    expect(uploadRuleFor(undefined)).toEqual({
      contentTypes: ['application/pdf', 'image/jpeg', 'image/png'],
      maxBytes: 20 * 1024 * 1024,
    });
  });

  test("a requirement's list and size apply, but never a type that cannot be verified or more than 20 MB", () => {
    expect(uploadRuleFor({ code: 'ANH', contentTypes: ['image/jpeg', 'image/png'], maxBytes: 5_242_880 })).toEqual({
      contentTypes: ['image/jpeg', 'image/png'],
      maxBytes: 5_242_880,
    });
    const drawings = uploadRuleFor({
      code: 'BAN_VE',
      contentTypes: ['application/pdf', 'image/tiff', 'application/vnd.ms-excel'],
      maxBytes: 52_428_800,
    });
    expect(drawings).toEqual({ contentTypes: ['application/pdf', 'image/tiff'], maxBytes: MAX_DOCUMENT_BYTES });
  });

  test('field errors for a type outside the rule and a size outside [1, max]', () => {
    const rule = { contentTypes: ['application/pdf'], maxBytes: 1000 };
    expect(checkDeclaredUpload({ contentType: 'application/pdf', size: 1000 }, rule)).toEqual([]);
    expect(checkDeclaredUpload({ contentType: 'APPLICATION/PDF', size: 1 }, rule)).toEqual([]);
    expect(checkDeclaredUpload({ contentType: 'image/png', size: 1001 }, rule).map((e) => e.path)).toEqual([
      'body.contentType',
      'body.size',
    ]);
    expect(checkDeclaredUpload({ contentType: 'application/pdf', size: 0 }, rule).map((e) => e.path)).toEqual([
      'body.size',
    ]);
  });
});
