/**
 * Fee assessment: turns a procedure's fee rules and the quantities an applicant declared into fee lines.
 * Everything is whole VND; nothing is rounded because nothing is ever fractional.
 *
 * Where quantities come from: a procedure whose fees depend on them declares two integer fields in its form
 * (enforced by `ProcedureSchema`):
 * - `soTrang` (số trang): pages of the document, needed by `per_page` rules;
 * - `soBanSao` (số bản sao): copies wanted, needed by `per_page` and `per_copy` rules.
 * `quantitiesFromForm` reads them from the dossier's form data.
 */
import { ValidationError } from '#platform/errors.ts';
import { type FeeRule, type PageTier, QUANTITY_FIELDS } from './schemas.ts';

/** One line of what a dossier owes. */
export interface FeeLine {
  code: string;
  name: string;
  /** Whole VND; 0 for a free rule, which is listed so the applicant sees the exemption. */
  amount: number;
}

export interface FeeQuantities {
  /** Pages of the document (per copy). */
  pages?: number;
  /** Number of copies. */
  copies?: number;
}

/** Reads the fee quantities from form data, by the `soTrang` / `soBanSao` convention. */
export function quantitiesFromForm(formData: Readonly<Record<string, unknown>>): FeeQuantities {
  const quantities: FeeQuantities = {};
  const pages = formData[QUANTITY_FIELDS.pages];
  const copies = formData[QUANTITY_FIELDS.copies];
  // Non-numbers are passed on as NaN so that assessFees reports them as invalid rather than missing.
  if (pages !== undefined && pages !== null) quantities.pages = typeof pages === 'number' ? pages : Number.NaN;
  if (copies !== undefined && copies !== null) quantities.copies = typeof copies === 'number' ? copies : Number.NaN;
  return quantities;
}

/**
 * Assesses every rule, in order, into one fee line each. Throws a ValidationError naming the form field
 * (`formData.soTrang` / `formData.soBanSao`) when a rule needs a quantity that is missing or not a positive
 * integer.
 */
export function assessFees(rules: readonly FeeRule[], quantities: FeeQuantities): FeeLine[] {
  return rules.map((rule) => ({ code: rule.code, name: rule.name, amount: assessRule(rule, quantities) }));
}

/** Sum of the fee lines, in VND. */
export function feeTotal(lines: readonly FeeLine[]): number {
  return lines.reduce((sum, line) => sum + line.amount, 0);
}

function assessRule(rule: FeeRule, quantities: FeeQuantities): number {
  switch (rule.kind) {
    case 'fixed':
      return rule.amount;
    case 'free':
      return 0;
    case 'per_copy':
      return checkedAmount(rule.amountPerCopy * requireCount(quantities.copies, 'copies'));
    case 'per_page': {
      const pages = requireCount(quantities.pages, 'pages');
      const copies = requireCount(quantities.copies, 'copies');
      const uncapped = pagePrice(rule.tiers, pages);
      const perCopy = rule.capPerCopy === undefined ? uncapped : Math.min(uncapped, rule.capPerCopy);
      return checkedAmount(perCopy * copies);
    }
  }
}

/** Price of `pages` pages under contiguous tiers starting at page 1 (as `FeeRuleSchema` guarantees). */
function pagePrice(tiers: readonly PageTier[], pages: number): number {
  let total = 0;
  for (const tier of tiers) {
    if (pages < tier.fromPage) break;
    const last = tier.toPage === undefined ? pages : Math.min(tier.toPage, pages);
    total += (last - tier.fromPage + 1) * tier.amountPerPage;
  }
  return total;
}

const QUANTITY_LABELS = {
  pages: { field: QUANTITY_FIELDS.pages, vi: 'số trang', en: 'number of pages' },
  copies: { field: QUANTITY_FIELDS.copies, vi: 'số bản sao', en: 'number of copies' },
} as const;

function requireCount(value: number | undefined, which: keyof typeof QUANTITY_LABELS): number {
  if (value !== undefined && Number.isSafeInteger(value) && value >= 1) return value;
  const label = QUANTITY_LABELS[which];
  const missing = value === undefined;
  throw new ValidationError(
    [
      {
        path: `formData.${label.field}`,
        message: missing
          ? `${label.en} is required to compute the fee`
          : `${label.en} must be a whole number of at least 1`,
      },
    ],
    {
      vi: missing
        ? `Cần nhập ${label.vi} để tính phí, lệ phí.`
        : `${capitalize(label.vi)} phải là số nguyên từ 1 trở lên.`,
      en: missing
        ? `The ${label.en} is needed to compute the fees.`
        : `The ${label.en} must be a whole number of at least 1.`,
    },
  );
}

function checkedAmount(amount: number): number {
  // Only absurd quantities get here; refusing beats charging a rounded float.
  if (!Number.isSafeInteger(amount)) {
    throw new ValidationError([{ path: 'formData', message: 'the quantities give a fee too large to compute' }]);
  }
  return amount;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
