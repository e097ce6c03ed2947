/**
 * The inputs of a procedure's form, laid out by its form schema (JSON Schema), for an official typing in a paper
 * form at the counter: one input per property in the schema's order, under its title; enums (or oneOf
 * const/title) as a select, booleans as a checkbox, numbers as numeric inputs, `format: date` as a date picker,
 * long texts as a text area. The API validates the data again against the same schema; the browser's own
 * checks here (required, lengths, ranges) only catch the slips a clerk makes before sending.
 */
import { type ReactNode, useId } from 'react';
import { useI18n } from '../i18n.tsx';

export type FormValue = string | number | boolean | null;

interface Property {
  type?: string | string[];
  title?: string;
  description?: string;
  format?: string;
  enum?: unknown[];
  oneOf?: { const?: unknown; title?: string }[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
}

export interface FormSchema {
  properties?: Record<string, Property>;
  required?: string[];
}

const typeOf = (p: Property): string =>
  (Array.isArray(p.type) ? (p.type.find((t) => t !== 'null') ?? '') : p.type) ?? '';

export function FormFields({
  schema,
  values,
  onChange,
}: {
  schema: FormSchema | undefined;
  values: Record<string, FormValue>;
  onChange: (values: Record<string, FormValue>) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const properties = Object.entries(schema?.properties ?? {});
  if (properties.length === 0) return <p className="muted">{t('noFormFields')}</p>;
  const set = (key: string, value: FormValue | undefined) => {
    const next = { ...values };
    if (value === undefined || value === '') delete next[key];
    else next[key] = value;
    onChange(next);
  };
  return (
    <div className="form-fields">
      {properties.map(([key, p]) => {
        const inputId = `${id}-${key}`;
        const label = p.title ?? key;
        const required = schema?.required?.includes(key) ?? false;
        const type = typeOf(p);
        const choices = p.oneOf?.length
          ? p.oneOf.map((o) => ({ value: o.const, label: o.title ?? String(o.const) }))
          : p.enum?.map((v) => ({ value: v, label: String(v) }));
        const current = values[key];
        const hint = p.description ? (
          <p className="hint" id={`${inputId}-hint`}>
            {p.description}
          </p>
        ) : null;
        const describedBy = p.description ? `${inputId}-hint` : undefined;
        if (type === 'boolean')
          return (
            <div key={key} className="field">
              <label className="check" htmlFor={inputId}>
                <input
                  id={inputId}
                  type="checkbox"
                  checked={current === true}
                  aria-describedby={describedBy}
                  onChange={(e) => set(key, e.target.checked)}
                />
                {label}
              </label>
              {hint}
            </div>
          );
        let input: ReactNode;
        if (choices) {
          input = (
            <select
              id={inputId}
              required={required}
              aria-describedby={describedBy}
              value={current === undefined || current === null ? '' : String(current)}
              onChange={(e) => {
                const chosen = choices.find((c) => String(c.value) === e.target.value);
                set(key, chosen ? (chosen.value as FormValue) : undefined);
              }}
            >
              <option value="">{t('choose')}</option>
              {choices.map((c) => (
                <option key={String(c.value)} value={String(c.value)}>
                  {c.label}
                </option>
              ))}
            </select>
          );
        } else if (type === 'number' || type === 'integer') {
          input = (
            <input
              id={inputId}
              type="number"
              inputMode={type === 'integer' ? 'numeric' : 'decimal'}
              step={type === 'integer' ? 1 : 'any'}
              min={p.minimum}
              max={p.maximum}
              required={required}
              aria-describedby={describedBy}
              value={typeof current === 'number' ? current : ''}
              onChange={(e) => set(key, e.target.value === '' ? undefined : Number(e.target.value))}
            />
          );
        } else if ((p.maxLength ?? 0) > 200) {
          input = (
            <textarea
              id={inputId}
              rows={3}
              required={required}
              minLength={p.minLength}
              maxLength={p.maxLength}
              aria-describedby={describedBy}
              value={typeof current === 'string' ? current : ''}
              onChange={(e) => set(key, e.target.value)}
            />
          );
        } else {
          input = (
            <input
              id={inputId}
              type={p.format === 'date' ? 'date' : p.format === 'email' ? 'email' : 'text'}
              required={required}
              minLength={p.minLength}
              maxLength={p.maxLength}
              pattern={p.pattern}
              aria-describedby={describedBy}
              value={typeof current === 'string' ? current : ''}
              onChange={(e) => set(key, e.target.value)}
            />
          );
        }
        return (
          <div key={key} className="field">
            <label htmlFor={inputId}>
              {label}
              {required ? <span aria-hidden="true"> *</span> : null}
            </label>
            {input}
            {hint}
          </div>
        );
      })}
    </div>
  );
}
