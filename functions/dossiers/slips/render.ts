/**
 * Draws a slip (phiếu) of the one-stop mechanism as an A4 PDF: the administrative header of a Vietnamese state
 * form (issuing body on the left, national motto on the right, place and date), the form's number and title,
 * its lines, a QR code to the public status lookup, and the signature blocks. Pure: the same content gives the
 * same bytes (the PDF's dates are the issue time, nothing random), so a test can read it back with pdftotext.
 *
 * The font is DejaVu Serif (the `dejavu-fonts-ttf` package), embedded and subset: it has every Vietnamese
 * letter with its diacritics, which the PDF standard fonts do not.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';
import qrcode from 'qrcode-generator';

/** One line of a slip's body: a label and its value, a paragraph, or a table. */
export type SlipBlock =
  | { kind: 'field'; label: string; value: string }
  | { kind: 'paragraph'; text: string; italic?: boolean; bold?: boolean }
  | { kind: 'table'; columns: { title: string; width: number }[]; rows: string[][] };

export interface SlipContent {
  /** "Mẫu số 01" etc. (Circular 01/2018/TT-VPCP). */
  formNumber: string;
  /** The body above the issuing unit, e.g. "ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI". */
  parentName: string;
  /** The issuing unit, e.g. "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH ĐỒNG NAI". */
  issuerName: string;
  /** "Đồng Nai, ngày 04 tháng 12 năm 2026". */
  placeAndDate: string;
  title: string;
  subtitle?: string;
  blocks: SlipBlock[];
  /** Signature blocks, left to right: role ("NGƯỜI TIẾP NHẬN HỒ SƠ") and the name printed under it. */
  signatures: { role: string; name?: string }[];
  /** A QR code to the public status lookup (slips of one dossier; none on the tracking book). */
  qr?: { url: string; caption: string };
  /** PDF metadata: when it was issued (also its creation date, so the bytes depend on the content only). */
  issuedAt: Date;
  /** A4 landscape for wide tables (the tracking book). */
  landscape?: boolean;
}

const require = createRequire(import.meta.url);

/** Where the fonts are: next to the bundle on Lambda (copied there at bundling), else the installed package. */
function fontFile(name: string): Buffer {
  const dir = process.env.SLIP_FONT_DIR;
  if (dir) return readFileSync(join(dir, name));
  return readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${name}`));
}

let fontBytes: { regular: Buffer; bold: Buffer; italic: Buffer } | undefined;
function fonts() {
  fontBytes ??= {
    regular: fontFile('DejaVuSerif.ttf'),
    bold: fontFile('DejaVuSerif-Bold.ttf'),
    italic: fontFile('DejaVuSerif-Italic.ttf'),
  };
  return fontBytes;
}

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  italic: PDFFont;
}

/** Splits text into lines that fit `width` at `size`. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (font.widthOfTextAtSize(candidate, size) <= width || line === '') line = candidate;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  return lines;
}

class Cursor {
  y: number;
  page: PDFPage;
  readonly doc: PDFDocument;
  readonly f: Fonts;
  readonly margin: number;
  constructor(page: PDFPage, doc: PDFDocument, f: Fonts, margin: number) {
    this.page = page;
    this.doc = doc;
    this.f = f;
    this.margin = margin;
    this.y = page.getHeight() - margin;
  }
  get width() {
    return this.page.getWidth() - 2 * this.margin;
  }
  ensure(height: number) {
    if (this.y - height < this.margin) {
      this.page = this.doc.addPage([this.page.getWidth(), this.page.getHeight()]);
      this.y = this.page.getHeight() - this.margin;
    }
  }
  centered(text: string, font: PDFFont, size: number, x: number, width: number, y = this.y) {
    const w = font.widthOfTextAtSize(text, size);
    this.page.drawText(text, { x: x + (width - w) / 2, y, size, font });
    return w;
  }
}

function drawQr(page: PDFPage, url: string, x: number, y: number, size: number): void {
  const qr = qrcode(0, 'M');
  qr.addData(url);
  qr.make();
  const count = qr.getModuleCount();
  const cell = size / count;
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.isDark(row, col)) {
        page.drawRectangle({
          x: x + col * cell,
          y: y + size - (row + 1) * cell,
          width: cell,
          height: cell,
          color: rgb(0, 0, 0),
        });
      }
    }
  }
}

/** Renders a slip to PDF bytes. */
export async function renderSlip(content: SlipContent): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  const bytes = fonts();
  const f: Fonts = {
    regular: await doc.embedFont(bytes.regular, { subset: true }),
    bold: await doc.embedFont(bytes.bold, { subset: true }),
    italic: await doc.embedFont(bytes.italic, { subset: true }),
  };
  doc.setTitle(`${content.title}${content.subtitle ? ` — ${content.subtitle}` : ''}`);
  doc.setCreator('motcua');
  doc.setProducer('motcua');
  doc.setCreationDate(content.issuedAt);
  doc.setModificationDate(content.issuedAt);
  const size: [number, number] = content.landscape ? [841.89, 595.28] : [595.28, 841.89];
  const c = new Cursor(doc.addPage(size), doc, f, 50);
  const half = c.width / 2;
  const left = c.margin;
  const right = c.margin + half;

  // Form number, top right.
  const formSize = 9;
  c.page.drawText(content.formNumber, {
    x: c.margin + c.width - f.italic.widthOfTextAtSize(content.formNumber, formSize),
    y: c.y + 14,
    size: formSize,
    font: f.italic,
  });

  // Header: issuing body (left) and national motto (right).
  const headerTop = c.y;
  let ly = headerTop;
  for (const line of wrap(content.parentName, f.regular, 10, half - 10)) {
    c.centered(line, f.regular, 10, left, half - 10, ly);
    ly -= 13;
  }
  let issuerWidth = 0;
  for (const line of wrap(content.issuerName, f.bold, 10, half - 10)) {
    issuerWidth = Math.max(issuerWidth, c.centered(line, f.bold, 10, left, half - 10, ly));
    ly -= 13;
  }
  const lineW = Math.min(issuerWidth, 80);
  c.page.drawLine({
    start: { x: left + (half - 10 - lineW) / 2, y: ly + 9 },
    end: { x: left + (half - 10 + lineW) / 2, y: ly + 9 },
    thickness: 0.6,
  });
  let ry = headerTop;
  c.centered('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', f.bold, 10, right, half, ry);
  ry -= 14;
  const mottoW = c.centered('Độc lập - Tự do - Hạnh phúc', f.bold, 11, right, half, ry);
  c.page.drawLine({
    start: { x: right + (half - mottoW) / 2, y: ry - 3 },
    end: { x: right + (half + mottoW) / 2, y: ry - 3 },
    thickness: 0.6,
  });
  ry -= 24;
  c.centered(content.placeAndDate, f.italic, 10, right, half, ry);
  c.y = Math.min(ly, ry) - 30;

  // Title.
  for (const line of wrap(content.title, f.bold, 14, c.width)) {
    c.centered(line, f.bold, 14, c.margin, c.width);
    c.y -= 19;
  }
  if (content.subtitle) {
    c.centered(content.subtitle, f.bold, 11, c.margin, c.width);
    c.y -= 16;
  }
  c.y -= 10;

  // Body.
  const bodySize = 11;
  const lineHeight = 16;
  for (const block of content.blocks) {
    if (block.kind === 'field') {
      const label = `${block.label}: `;
      const labelW = f.regular.widthOfTextAtSize(label, bodySize);
      const lines = wrap(block.value, f.bold, bodySize, c.width - labelW);
      c.ensure(lines.length * lineHeight);
      c.page.drawText(label, { x: c.margin, y: c.y, size: bodySize, font: f.regular });
      for (const line of lines) {
        c.page.drawText(line, { x: c.margin + labelW, y: c.y, size: bodySize, font: f.bold });
        c.y -= lineHeight;
      }
    } else if (block.kind === 'paragraph') {
      const font = block.bold ? f.bold : block.italic ? f.italic : f.regular;
      for (const line of wrap(block.text, font, bodySize, c.width)) {
        c.ensure(lineHeight);
        c.page.drawText(line, { x: c.margin, y: c.y, size: bodySize, font });
        c.y -= lineHeight;
      }
    } else {
      const total = block.columns.reduce((s, col) => s + col.width, 0);
      const widths = block.columns.map((col) => (col.width / total) * c.width);
      const cellSize = 9;
      const drawRow = (cells: string[], font: PDFFont) => {
        const wrapped = cells.map((cell, i) => wrap(cell, font, cellSize, widths[i]! - 6));
        const height = Math.max(...wrapped.map((w) => w.length)) * 12 + 6;
        c.ensure(height);
        let x = c.margin;
        wrapped.forEach((lines, i) => {
          c.page.drawRectangle({
            x,
            y: c.y - height + 10,
            width: widths[i]!,
            height,
            borderWidth: 0.5,
            borderColor: rgb(0, 0, 0),
          });
          lines.forEach((line, j) => {
            c.page.drawText(line, { x: x + 3, y: c.y - j * 12, size: cellSize, font });
          });
          x += widths[i]!;
        });
        c.y -= height;
      };
      drawRow(
        block.columns.map((col) => col.title),
        f.bold,
      );
      for (const row of block.rows) drawRow(row, f.regular);
      c.y -= 8;
    }
  }

  // Signatures and the QR code.
  if (content.signatures.length === 0 && content.qr === undefined) return doc.save({ useObjectStreams: false });
  c.ensure(150);
  c.y -= 14;
  const sigW = c.width / Math.max(content.signatures.length, 1);
  content.signatures.forEach((sig, i) => {
    const x = c.margin + i * sigW;
    c.centered(sig.role, f.bold, 10, x, sigW, c.y);
    c.centered('(Ký và ghi rõ họ tên)', f.italic, 9, x, sigW, c.y - 13);
    if (sig.name) c.centered(sig.name, f.bold, 10, x, sigW, c.y - 80);
  });
  c.y -= 100;
  if (content.qr === undefined) return doc.save({ useObjectStreams: false });
  c.ensure(90);
  const qrSize = 72;
  drawQr(c.page, content.qr.url, c.margin, c.y - qrSize, qrSize);
  const captionX = c.margin + qrSize + 8;
  let cy = c.y - 20;
  for (const line of wrap(content.qr.caption, f.italic, 8.5, c.width - qrSize - 8)) {
    c.page.drawText(line, { x: captionX, y: cy, size: 8.5, font: f.italic });
    cy -= 11;
  }
  c.page.drawText(content.qr.url, { x: captionX, y: cy - 2, size: 8, font: f.regular, color: rgb(0.2, 0.2, 0.2) });

  return doc.save({ useObjectStreams: false });
}
