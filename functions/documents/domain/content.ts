/**
 * What a file really is, told from its first bytes (not from its name or the type the browser claimed), and
 * which media types an upload may declare.
 */

/** Largest document accepted, whatever a requirement says (issue 5: 20 MB). */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/** Types accepted when no procedure requirement says otherwise. */
export const DEFAULT_CONTENT_TYPES: readonly string[] = ['application/pdf', 'image/jpeg', 'image/png'];

/** Bytes needed to recognise every signature below. */
export const SNIFF_BYTES = 16;

interface Signature {
  contentType: string;
  matches: (bytes: Uint8Array) => boolean;
}

const startsWith =
  (...prefix: number[]) =>
  (bytes: Uint8Array): boolean =>
    bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** Document formats we can verify by content; a type outside this list cannot be accepted. */
const DOCUMENT_SIGNATURES: readonly Signature[] = [
  { contentType: 'application/pdf', matches: startsWith(...ascii('%PDF-')) },
  { contentType: 'image/jpeg', matches: startsWith(0xff, 0xd8, 0xff) },
  { contentType: 'image/png', matches: startsWith(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) },
  {
    contentType: 'image/tiff',
    matches: (b) => startsWith(0x49, 0x49, 0x2a, 0x00)(b) || startsWith(0x4d, 0x4d, 0x00, 0x2a)(b),
  },
  { contentType: 'image/gif', matches: (b) => startsWith(...ascii('GIF87a'))(b) || startsWith(...ascii('GIF89a'))(b) },
  {
    contentType: 'image/webp',
    matches: (b) => startsWith(...ascii('RIFF'))(b) && startsWith(...ascii('WEBP'))(b.subarray(8)),
  },
];

/** Programs, whatever they are named: Windows PE (MZ), ELF, Mach-O / Java class, and scripts (#!). */
const EXECUTABLE_SIGNATURES: readonly { format: string; matches: (bytes: Uint8Array) => boolean }[] = [
  { format: 'PE', matches: startsWith(0x4d, 0x5a) },
  { format: 'ELF', matches: startsWith(0x7f, 0x45, 0x4c, 0x46) },
  { format: 'Mach-O', matches: startsWith(0xfe, 0xed, 0xfa, 0xce) },
  { format: 'Mach-O', matches: startsWith(0xfe, 0xed, 0xfa, 0xcf) },
  { format: 'Mach-O', matches: startsWith(0xce, 0xfa, 0xed, 0xfe) },
  { format: 'Mach-O', matches: startsWith(0xcf, 0xfa, 0xed, 0xfe) },
  { format: 'Mach-O/class', matches: startsWith(0xca, 0xfe, 0xba, 0xbe) },
  { format: 'script', matches: startsWith(0x23, 0x21) },
];

export const VERIFIABLE_CONTENT_TYPES: readonly string[] = DOCUMENT_SIGNATURES.map((s) => s.contentType);

export type SniffedContent =
  | { kind: 'document'; contentType: string }
  | { kind: 'executable'; format: string }
  | { kind: 'unknown' };

/** The real type of a file from its first bytes (pass at least SNIFF_BYTES of them). */
export function sniffContent(head: Uint8Array): SniffedContent {
  const executable = EXECUTABLE_SIGNATURES.find((s) => s.matches(head));
  if (executable) return { kind: 'executable', format: executable.format };
  const document = DOCUMENT_SIGNATURES.find((s) => s.matches(head));
  return document ? { kind: 'document', contentType: document.contentType } : { kind: 'unknown' };
}

/** What a procedure's document requirement accepts (from the catalog's published procedure). */
export interface RequirementRule {
  code: string;
  contentTypes: string[];
  maxBytes: number;
}

export interface UploadRule {
  contentTypes: string[];
  maxBytes: number;
}

/**
 * Types and size an upload may declare: the requirement's list when there is one (else the defaults),
 * limited to what can be verified by content, and never more than MAX_DOCUMENT_BYTES.
 */
export function uploadRuleFor(requirement: RequirementRule | undefined): UploadRule {
  const listed = requirement ? requirement.contentTypes : DEFAULT_CONTENT_TYPES;
  return {
    contentTypes: listed.map((t) => t.toLowerCase()).filter((t) => VERIFIABLE_CONTENT_TYPES.includes(t)),
    maxBytes: Math.min(MAX_DOCUMENT_BYTES, requirement?.maxBytes ?? MAX_DOCUMENT_BYTES),
  };
}

/** Field errors of a declared upload against its rule (empty when acceptable). */
export function checkDeclaredUpload(
  declared: { contentType: string; size: number },
  rule: UploadRule,
): { path: string; message: string }[] {
  const errors: { path: string; message: string }[] = [];
  if (!rule.contentTypes.includes(declared.contentType.toLowerCase())) {
    errors.push({ path: 'body.contentType', message: `must be one of: ${rule.contentTypes.join(', ')}` });
  }
  if (!Number.isInteger(declared.size) || declared.size < 1 || declared.size > rule.maxBytes) {
    errors.push({ path: 'body.size', message: `must be between 1 and ${rule.maxBytes} bytes` });
  }
  return errors;
}
