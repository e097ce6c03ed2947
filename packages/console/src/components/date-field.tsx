/**
 * The console's one date input: a text field in dd/mm/yyyy (masked while typing, see dates.ts), not a native
 * date input, whose order follows the browser's locale (mm/dd/yyyy in an en-US browser). It speaks ISO dates:
 * `value`/`onChange` when controlled, or a hidden input named `name` that a FormData reads. A date that is not
 * one (31/02/2026) or out of bounds says why under the field, in the user's language, and holds the form back
 * (custom validity: the browser does not submit a form with an invalid field).
 */
import { useEffect, useRef, useState } from 'react';
import { type DateProblem, formatDayMonthYear, maskDayMonthYear, parseDayMonthYear } from '../dates.ts';
import { useI18n } from '../i18n.tsx';

export interface DateFieldProps {
  /** The text input's id, for its <label htmlFor>. */
  id: string;
  /** Controlled: the ISO date shown ('' for none); `onChange` gets each valid date typed, or '' when cleared. */
  value?: string;
  onChange?: (iso: string) => void;
  /** Uncontrolled: the first ISO date shown. */
  defaultValue?: string;
  /** The form field carrying the ISO date (a hidden input), for forms read through FormData. */
  name?: string;
  required?: boolean;
  /** Inclusive ISO bounds. */
  min?: string;
  max?: string;
}

export function DateField({ id, value, onChange, defaultValue, name, required, min, max }: DateFieldProps) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const initial = value ?? defaultValue ?? '';
  const [text, setText] = useState(() => formatDayMonthYear(initial));
  const [iso, setIso] = useState(initial);
  const [problem, setProblem] = useState<DateProblem>();
  /** Said only once the official has left the field, typed a whole date, or tried to submit. */
  const [shown, setShown] = useState(false);

  // A controlled value changed from outside (filters cleared, another year loaded): show it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only an outside change of the value resets the text
  useEffect(() => {
    if (value === undefined || value === iso) return;
    setText(formatDayMonthYear(value));
    setIso(value);
    setProblem(undefined);
  }, [value]);

  const message = problem === undefined ? '' : messageOf(problem);
  function messageOf(p: DateProblem): string {
    if (p === 'too-early') return `${t('dateTooEarly')} ${formatDayMonthYear(min)}.`;
    if (p === 'too-late') return `${t('dateTooLate')} ${formatDayMonthYear(max)}.`;
    return p === 'no-such-day' ? t('dateNoSuchDay') : t('dateFormat');
  }

  useEffect(() => {
    input.current?.setCustomValidity(message);
  }, [message]);

  const change = (typed: string) => {
    const masked = maskDayMonthYear(typed);
    setText(masked);
    if (masked === '') {
      setIso('');
      setProblem(undefined);
      onChange?.('');
      return;
    }
    const parsed = parseDayMonthYear(masked, { ...(min ? { min } : {}), ...(max ? { max } : {}) });
    if (parsed.ok) {
      setIso(parsed.iso);
      setProblem(undefined);
      onChange?.(parsed.iso);
    } else {
      setIso('');
      setProblem(parsed.problem);
      if (masked.length >= 10) setShown(true);
    }
  };

  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const showing = shown && problem !== undefined;
  return (
    <>
      <input
        ref={input}
        id={id}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        placeholder={t('datePlaceholder')}
        maxLength={10}
        value={text}
        required={required}
        aria-invalid={showing}
        aria-describedby={showing ? `${hintId} ${errorId}` : hintId}
        onChange={(e) => change(e.target.value)}
        onBlur={() => setShown(true)}
        onInvalid={() => setShown(true)}
      />
      <span id={hintId} className="visually-hidden">
        {t('dateHint')}
      </span>
      {showing ? (
        <span id={errorId} className="field-error" role="alert">
          {message}
        </span>
      ) : null}
      {name ? <input type="hidden" name={name} value={iso} /> : null}
    </>
  );
}
