import { describe, expect, test } from 'vitest';
import { csvCell, csvDocument, unguardFormula } from '#platform/csv.ts';

describe('CSV cells', () => {
  test('formula-like text is kept as text, quoting per RFC 4180', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+84 912')).toBe("'+84 912");
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('Nguyễn Văn A, phường 1')).toBe('"Nguyễn Văn A, phường 1"');
    expect(csvCell(null)).toBe('');
  });

  test('a guarded cell reads back as it was; an ordinary apostrophe stays', () => {
    // Text that itself looks guarded ('-x, ''=1) keeps its own apostrophes.
    for (const text of ['=1+1', '@SUM(A1)', '-x', "'quoted'", 'plain', "'-x", "''=1", "'- "]) {
      expect(unguardFormula(csvCell(text).replace(/^"|"$/g, '').replaceAll('""', '"'))).toBe(text);
    }
  });

  test('a document has CRLF lines and, on request, a byte order mark', () => {
    expect(
      csvDocument(
        [
          ['a', 1],
          ['b', null],
        ],
        { bom: true },
      ),
    ).toBe('\uFEFFa,1\r\nb,\r\n');
  });
});
