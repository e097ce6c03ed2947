/**
 * A QR code as one SVG path (qrcode-generator, error correction M, as the slips' QR codes): one `M x y h n v1 h-n z`
 * per run of dark modules in a row, in module units, with the standard quiet zone of four modules around it. Pure,
 * so the browser test can check that what the page draws is the QR code of the URL it shows.
 */
import qrcode from 'qrcode-generator';

export interface QrPath {
  /** Width and height in modules, the quiet zone included: the SVG's viewBox is `0 0 size size`. */
  size: number;
  /** The dark modules. */
  d: string;
}

export const QUIET_ZONE = 4;

export function qrPath(text: string): QrPath {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const count = qr.getModuleCount();
  const runs: string[] = [];
  for (let row = 0; row < count; row++) {
    let col = 0;
    while (col < count) {
      if (!qr.isDark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < count && qr.isDark(row, col)) col++;
      const length = col - start;
      runs.push(`M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${length}v1h-${length}z`);
    }
  }
  return { size: count + 2 * QUIET_ZONE, d: runs.join('') };
}
